#!/usr/bin/env bash
# Sets up the machine, then builds and runs the desktop app on the
# demonstration province (generated on first run into the data folder).
# Extra arguments go to the app, e.g. --data DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck source=scripts/env.sh
. scripts/env.sh
echo "demo: building the desktop app (the first build of Fyne takes about 5 minutes)"
exec go run . --demo "$@"
