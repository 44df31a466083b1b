#!/usr/bin/env bash
# Installs helm, built from the Go module proxy, into
# ${TRIBUTARY_CACHE_DIR:-~/.cache/tributary}/helm-<version>/helm and prints that path. Cached: a
# second run only prints the path. Needs Go 1.22+; the first build takes a few minutes on 2 cores.
#
#   helm="$(infra/scripts/install-helm.sh)" && "$helm" version
set -euo pipefail

version="${HELM_VERSION:-v3.21.4}"
cache="${TRIBUTARY_CACHE_DIR:-$HOME/.cache/tributary}"
dir="$cache/helm-$version"
bin="$dir/helm"

if [[ -x "$bin" ]]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-helm: Go is needed to build helm $version (https://go.dev/dl/), or put a helm binary at $bin" >&2
  exit 1
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/.helm-$version.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "install-helm: building helm $version from the Go module proxy (once; a few minutes)" >&2
# What helm's own Makefile sets: the Kubernetes version `helm template` and `helm lint` assume
# (from the client-go it is built with; unset, they would assume 1.20) and the version it reports.
gomod="$(go mod download -json "helm.sh/helm/v3@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
clientgo="$(awk '$1 == "k8s.io/client-go" { print $2; exit }' "$gomod")"   # v0.36.2 -> Kubernetes 1.36
kube_major=1                                                              # client-go v0.N is Kubernetes 1.N
kube_minor="$(echo "$clientgo" | cut -d. -f2)"
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$version"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags+=" -X $pkg.k8sVersionMajor=$kube_major -X $pkg.k8sVersionMinor=$kube_minor"
done
# -s -w: no debug symbols (smaller binary, faster link).
GOBIN="$work" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install -trimpath -ldflags "$ldflags" \
  "helm.sh/helm/v3/cmd/helm@$version" >&2
mkdir -p "$dir"
# Rename is atomic: a concurrent run never sees a half-written binary.
mv -f "$work/helm" "$bin"
echo "$bin"
