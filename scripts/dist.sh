#!/usr/bin/env bash
# Builds Intiqa's release files into dist/, then checks them
# (cmd/intiqa-dist):
#   Intiqa-V-windows-amd64.exe      the desktop app for Windows, a GUI
#                                   program with its icon and version,
#                                   cross-compiled with mingw-w64
#   intiqa-V-linux-amd64.tar.xz     the desktop app for Linux, as
#                                   `fyne package` makes it (program,
#                                   icon, .desktop entry, Makefile)
#   intiqa-hq-V-linux-amd64|arm64   the headquarters program, static
# V is the version of assets/VERSION, the one place it is set.
#
# The first run compiles Fyne's C parts for each system: about 5 minutes
# each on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# shellcheck source=scripts/env.sh
. scripts/env.sh

readonly OUT=dist
version="$(tr -d '[:space:]' <assets/VERSION)"
mkdir -p "$OUT"

# fyne package raises the build number in FyneApp.toml after each
# package: the committed file is put back after each, so that both
# packages carry the same, committed build number.
saved="$(mktemp)"
cp FyneApp.toml "$saved"
trap 'cp "$saved" FyneApp.toml; rm -f "$saved"' EXIT
package() {
	fyne package --app-version "$version" --name Intiqa "$@"
	cp "$saved" FyneApp.toml
}

say() { printf 'dist: %s\n' "$*"; }

# The Linux program is built as the tests build it (same packages, same
# flags but for the linker's), so that a check run reuses their
# compilation, then packaged as it is.
say "Intiqa $version for Linux"
build="$(mktemp -d)"
go build -ldflags '-s -w' -o "$build/intiqa" .
package --os linux --exe "$build/intiqa"
rm -rf "$build"
mv -f Intiqa.tar.xz "$OUT/intiqa-$version-linux-amd64.tar.xz"

say "Intiqa $version for Windows (mingw-w64)"
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
	CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ \
	package --os windows --release
mv -f Intiqa.exe "$OUT/Intiqa-$version-windows-amd64.exe"

for arch in amd64 arm64; do
	say "intiqa-hq $version for linux/$arch"
	CGO_ENABLED=0 GOOS=linux GOARCH=$arch \
		go build -trimpath -ldflags '-s -w' -o "$OUT/intiqa-hq-$version-linux-$arch" ./cmd/intiqa-hq
done

go run ./cmd/intiqa-dist check "$OUT"
