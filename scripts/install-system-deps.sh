#!/usr/bin/env bash
# Install the Debian packages the tests need, if they are missing: chromium (browser tests),
# dataset-fashion-mnist (the complete Fashion-MNIST, for offline full-size runs) and npm (MathJax).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || missing+=(dataset-fashion-mnist)
command -v npm >/dev/null || missing+=(npm)  # MathJax for the book comes from npm
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "Please install these Debian packages first: ${missing[*]}" >&2
    exit 1
fi
echo "Installing ${missing[*]} with apt-get"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
