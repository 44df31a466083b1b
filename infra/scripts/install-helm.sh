#!/usr/bin/env bash
# Installs helm, built from the Go module proxy, into
# ${TRIBUTARY_CACHE_DIR:-~/.cache/tributary}/helm-<version>/helm and prints that path. Cached: a
# second run only prints the path. Needs Go 1.22+; the first build takes a few minutes on 2 cores.
#
#   helm="$(infra/scripts/install-helm.sh)" && "$helm" version
set -euo pipefail

version="${HELM_VERSION:-v3.21.4}"
# shellcheck source=go-tool.sh
source "$(dirname "$0")/go-tool.sh"

command -v go >/dev/null 2>&1 || { install_go_tool helm "$version" "helm.sh/helm/v3/cmd/helm@$version"; exit $?; }
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
install_go_tool helm "$version" "helm.sh/helm/v3/cmd/helm@$version" "$ldflags"
