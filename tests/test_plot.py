"""The 2-D classifier plots: boundaries where the probabilities say, and clear errors."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from aelib.plot import class_scatter, decision_boundary


def _sigmoid_rule(points):
    """p(y = 1 | x) = sigmoid(4 x1): the boundary is the line x1 = 0."""
    p1 = 1 / (1 + np.exp(-4 * points[:, 0]))
    return np.column_stack([1 - p1, p1])


def test_decision_boundary_is_drawn_where_the_classes_tie():
    x = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    fig = decision_boundary(_sigmoid_rule, x, np.array([0, 1, 0, 1]), ["a", "b"])
    (contour,) = [c for c in fig.axes[0].collections if type(c).__name__ == "QuadContourSet"]
    vertices = np.concatenate([path.vertices for path in contour.get_paths()])
    assert np.abs(vertices[:, 0]).max() < 0.02
    assert vertices[:, 1].min() < -1 and vertices[:, 1].max() > 1  # spans the plot
    plt.close(fig)


def test_decision_boundary_draws_a_border_for_every_class_of_three():
    centres = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0]])

    def nearest_centre(points):
        logits = -((points[:, None, :] - centres) ** 2).sum(-1)
        return np.exp(logits) / np.exp(logits).sum(1, keepdims=True)

    fig = decision_boundary(nearest_centre, centres, np.arange(3), ["a", "b", "c"])
    assert sum(type(c).__name__ == "QuadContourSet" for c in fig.axes[0].collections) == 3
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b", "c"]
    plt.close(fig)


def test_class_scatter_rejects_points_that_are_not_2d():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        class_scatter(np.zeros((5, 3)), np.zeros(5, dtype=int), ["a"])


def test_class_scatter_draws_every_code_of_a_tensor_in_its_class_colour():
    codes = torch.randn(3000, 2, requires_grad=True)  # straight from a model: on the graph
    labels = torch.arange(3000) % 3
    fig = class_scatter(codes, labels, ["a", "b", "c"], title="codes")
    ax = fig.axes[0]
    offsets = [c.get_offsets() for c in ax.collections]
    assert [len(o) for o in offsets] == [1000, 1000, 1000]
    np.testing.assert_allclose(offsets[1], codes.detach().numpy()[1::3])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$z_1$", "$z_2$")
    plt.close(fig)
