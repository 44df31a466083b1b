#!/usr/bin/env bash
# Installs kubeconform, built from the Go module proxy, into
# ${TRIBUTARY_CACHE_DIR:-~/.cache/tributary}/kubeconform-<version>/kubeconform and prints that
# path. Cached: a second run only prints the path. Needs Go; the first build takes under a minute.
#
#   kubeconform="$(infra/scripts/install-kubeconform.sh)" && "$kubeconform" -v
#
# kubeconform fetches Kubernetes JSON schemas over the network by default; check-infra.sh points it
# at the local copy that install-kube-schemas.sh makes instead.
set -euo pipefail

version="${KUBECONFORM_VERSION:-v0.8.0}"
cache="${TRIBUTARY_CACHE_DIR:-$HOME/.cache/tributary}"
dir="$cache/kubeconform-$version"
bin="$dir/kubeconform"

if [[ -x "$bin" ]]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-kubeconform: Go is needed to build kubeconform $version (https://go.dev/dl/), or put a kubeconform binary at $bin" >&2
  exit 1
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/.kubeconform-$version.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "install-kubeconform: building kubeconform $version from the Go module proxy (once)" >&2
GOBIN="$work" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install -trimpath -ldflags "-s -w" \
  "github.com/yannh/kubeconform/cmd/kubeconform@$version" >&2
mkdir -p "$dir"
# Rename is atomic: a concurrent run never sees a half-written binary.
mv -f "$work/kubeconform" "$bin"
echo "$bin"
