#!/usr/bin/env bash
# Sets up a Debian or Ubuntu machine to build, test, run and package
# Intiqa: the C libraries Fyne's cgo build needs, Xvfb and ImageMagick for
# the desktop smoke test, poppler and pango-view for the report and Arabic
# text tests, mingw-w64 for the Windows build, the Go modules, staticcheck
# and the fyne packaging command. Safe to run again: it skips what is
# already there.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly GO_MIN=1.26
readonly STATICCHECK=v0.8.2
readonly FYNE_TOOLS=v1.7.4
readonly PACKAGES=(
	gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
	libxinerama-dev libxi-dev libxxf86vm-dev xvfb xauth imagemagick
	poppler-utils fonts-dejavu-core python3-openpyxl pango1.0-tools
	gcc-mingw-w64-x86-64 xz-utils
)

say() { printf 'setup: %s\n' "$*"; }

# install_packages installs the Debian packages that are missing.
install_packages() {
	if ! command -v dpkg-query >/dev/null 2>&1; then
		say "not a Debian system: install the equivalents of ${PACKAGES[*]}"
		return
	fi
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
	if [ ${#missing[@]} -eq 0 ]; then
		say "system packages already installed"
		return
	fi
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		sudo=(sudo)
	fi
	say "installing ${missing[*]}"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

# check_go makes sure Go is on PATH and recent enough.
check_go() {
	# shellcheck source=scripts/env.sh
	. scripts/env.sh
	if ! command -v go >/dev/null 2>&1; then
		say "Go is not installed: install Go $GO_MIN or later in /usr/local/go"
		say "(the official archive, extracted with: tar -C /usr/local -xzf go*.linux-amd64.tar.gz)"
		exit 1
	fi
	local v
	v="$(go env GOVERSION)"
	v="${v#go}"
	if ! printf '%s\n%s\n' "$GO_MIN" "$v" | sort -V -C; then
		say "Go $v is too old: Intiqa needs Go $GO_MIN or later (see go.mod)"
		exit 1
	fi
	say "Go $v"
}

# install_staticcheck installs the pinned staticcheck unless present.
install_staticcheck() {
	local bin
	bin="$(go env GOPATH)/bin/staticcheck"
	if [ -x "$bin" ] && go version -m "$bin" | grep -q "honnef.co/go/tools[[:space:]]*$STATICCHECK"; then
		say "staticcheck $STATICCHECK already installed"
		return
	fi
	say "installing staticcheck $STATICCHECK"
	go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK"
}

# install_fyne installs the pinned fyne command, which packages the
# desktop app (scripts/dist.sh), unless present.
install_fyne() {
	local bin
	bin="$(go env GOPATH)/bin/fyne"
	if [ -x "$bin" ] && go version -m "$bin" | grep -q "fyne.io/tools[[:space:]]*$FYNE_TOOLS"; then
		say "fyne $FYNE_TOOLS already installed"
		return
	fi
	say "installing fyne $FYNE_TOOLS"
	go install "fyne.io/tools/cmd/fyne@$FYNE_TOOLS"
}

install_packages
check_go
say "downloading Go modules"
go mod download
install_staticcheck
install_fyne
say "done"
