#!/usr/bin/env bash
# Installs promtool (Prometheus's rule checker and rule unit-test runner), built from the Go module
# proxy, into ${TRIBUTARY_CACHE_DIR:-~/.cache/tributary}/promtool-<version>/promtool and prints that
# path. Cached: a second run only prints the path. Needs Go 1.26+; the first build takes a few
# minutes on 2 cores.
#
#   promtool="$(infra/scripts/install-promtool.sh)" && "$promtool" test rules infra/prometheus/tests/*.yml
#
# Prometheus 3.N.M is the Go module version v0.3NN.M (github.com/prometheus/prometheus). Built with
# remove_all_sd: promtool's rule checks need none of Prometheus's service-discovery plugins, and
# leaving them out (cloud SDKs, client-go) makes the build several times smaller.
set -euo pipefail

version="${PROMTOOL_VERSION:-v0.316.0}"
release="3.16.0"   # the Prometheus release of that module version, which `promtool --version` reports
# shellcheck source=go-tool.sh
source "$(dirname "$0")/go-tool.sh"
export GOFLAGS="${GOFLAGS:-} -tags=remove_all_sd"
install_go_tool promtool "$version" "github.com/prometheus/prometheus/cmd/promtool@$version" \
  "-s -w -X github.com/prometheus/common/version.Version=$release"
