#!/usr/bin/env bash
# Installs the Python tools of infra/python/requirements.txt (Schemathesis, confluent-kafka) into a
# virtualenv under ${TRIBUTARY_CACHE_DIR:-~/.cache/tributary}/python-tools-<hash>/ and prints the
# path of its python. The hash is of the requirements file, so changing a pin makes a new one;
# a second run only prints the path. Needs python3 3.9+ with the venv module, and PyPI.
#
#   python="$(infra/scripts/install-python-tools.sh)" && "$python" -m schemathesis.cli --version
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
requirements="$here/../python/requirements.txt"
python3="${TRIBUTARY_PYTHON:-python3}"
cache="${TRIBUTARY_CACHE_DIR:-$HOME/.cache/tributary}"
hash="$(sha256sum "$requirements" | cut -c1-12)"
dir="$cache/python-tools-$hash"
done_marker="$dir/.installed"

if [[ -f "$done_marker" ]]; then
  echo "$dir/bin/python"
  exit 0
fi
if ! command -v "$python3" >/dev/null 2>&1; then
  echo "install-python-tools: $python3 is needed (Python 3.9+ with the venv module); set TRIBUTARY_PYTHON to another interpreter" >&2
  exit 1
fi
mkdir -p "$cache"
# Test files may ask at the same time: one installs, the others wait for it and reuse its work.
exec 9>"$cache/.python-tools.lock"
flock 9
if [[ ! -f "$done_marker" ]]; then
  # A virtualenv cannot be moved once made (its scripts name their own path), so it is built in
  # place, and only the marker written last says it is whole; a half-built one is started again.
  rm -rf "$dir"
  echo "install-python-tools: creating $dir from PyPI (once)" >&2
  if ! "$python3" -m venv "$dir" >&2; then
    echo "install-python-tools: '$python3 -m venv' failed; install the venv module (Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2
  touch "$done_marker"
fi
echo "$dir/bin/python"
