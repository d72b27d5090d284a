import pytest

from aelib.settings import SMOKE_SAMPLES, Settings


def test_full_budget_keeps_the_numbers_the_notebook_asks_for(monkeypatch):
    monkeypatch.delenv("AELIB_BUDGET", raising=False)
    settings = Settings()
    assert settings.epochs(7) == 7 and settings.samples(20_000) == 20_000


def test_smoke_budget_scales_epochs_and_samples_down(monkeypatch):
    monkeypatch.setenv("AELIB_BUDGET", "smoke")
    settings = Settings()
    assert settings.smoke
    assert settings.epochs(7) == 1
    assert settings.samples(20_000) == SMOKE_SAMPLES and settings.samples(100) == 100


def test_one_setting_switches_the_data_set(monkeypatch):
    monkeypatch.setenv("AELIB_DATASET", "Fashion")
    assert Settings().dataset == "fashion"


@pytest.mark.parametrize("name, value", [("AELIB_BUDGET", "huge"), ("AELIB_DATASET", "cifar"), ("AELIB_PROGRESS", "bars")])
def test_invalid_settings_name_the_variable_and_the_choices(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=f"{name}='{value}' is not valid: use one of"):
        Settings()


@pytest.mark.parametrize("value, offline", [
    ("1", True), ("True", True), ("TRUE", True), ("Yes", True), ("on", True), (" yes ", True),
    ("0", False), ("false", False), ("No", False), ("OFF", False), ("", False),
])
def test_offline_accepts_the_usual_spellings_of_yes_and_no(monkeypatch, value, offline):
    monkeypatch.setenv("AELIB_OFFLINE", value)
    assert Settings().offline is offline


def test_offline_rejects_anything_else_and_lists_the_choices(monkeypatch):
    monkeypatch.setenv("AELIB_OFFLINE", "maybe")
    with pytest.raises(ValueError, match="AELIB_OFFLINE='maybe' is not valid: use one of 1, true, yes, on, 0"):
        Settings()
