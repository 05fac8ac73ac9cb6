#!/bin/sh
# Container entry point: on first start, puts the container's nxs.yaml (listening on 0.0.0.0) into
# the home volume, then runs `nxs` with the given arguments (default: serve). An nxs.yaml already in
# the home (edited by you, or mounted from a ConfigMap) is left as it is.
set -eu
home=${NXS_HOME:-/var/lib/nxs}
image_config=${NXS_IMAGE_CONFIG:-/opt/nxs/nxs.yaml}
if [ "${1:-}" = "serve" ] && [ ! -e "$home/nxs.yaml" ]; then
  umask 077
  cp "$image_config" "$home/nxs.yaml"
fi
exec nxs "$@"
