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
# shellcheck source=go-tool.sh
source "$(dirname "$0")/go-tool.sh"
install_go_tool kubeconform "$version" "github.com/yannh/kubeconform/cmd/kubeconform@$version"
