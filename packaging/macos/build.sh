#!/usr/bin/env bash
# Build Byway.app and a .dmg on macOS (Apple silicon or Intel), with tor and the pluggable
# transports from the signed Tor Expert Bundle.
#
#   packaging/macos/build.sh 15.0.2            # the Tor Browser release whose Expert Bundle to ship
#   BYWAY_CODESIGN_IDENTITY="Developer ID Application: ..." packaging/macos/build.sh 15.0.2
#
# Needs: Python 3.11+ (python.org or Homebrew), GnuPG (brew install gnupg), Xcode command line tools
# (iconutil, codesign, hdiutil), Internet. Not run yet: written on Linux, see packaging/README.md.
set -euo pipefail
tor_browser_version="${1:?usage: $0 TOR_BROWSER_VERSION}"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' desktop/byway/__init__.py)"
case "$(uname -m)" in
  arm64) arch=aarch64 ;;
  x86_64) arch=x86_64 ;;
  *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

venv=.venv-macos
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --upgrade pip
"$venv/bin/python" -m pip install -e '.[bundle]'

# 1. The icon (iconutil is macOS-only; the PNGs come from packaging/make_icons.py).
iconutil -c icns packaging/macos/byway.iconset -o packaging/macos/byway.icns

# 2. Byway.app: Python, Qt and Byway; Info.plist from packaging/macos/Info.plist.
export PYTHONHASHSEED=0
"$venv/bin/pyinstaller" --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/byway.spec
app=dist/Byway.app
macos_dir="$app/Contents/MacOS"

# 3. tor, lyrebird, snowflake-client, conjure-client, GeoIP: verified, into Contents/MacOS/tor/, which
#    byway.transports.binaries searches beside the executable.
"$venv/bin/python" packaging/fetch_tor_expert_bundle.py --platform "macos-$arch" \
  --version "$tor_browser_version" --into "$macos_dir"
# codesign wants Contents/MacOS to hold code only: data moves to Contents/Resources and is linked
# back, the way PyInstaller itself arranges its data files.
mv "$macos_dir/bundle-versions.json" "$app/Contents/Resources/bundle-versions.json"
mkdir -p "$app/Contents/Resources/tor/pluggable_transports"
for data in tor/geoip tor/geoip6 tor/pluggable_transports/pt_config.json; do
  if [ -f "$macos_dir/$data" ]; then
    mv "$macos_dir/$data" "$app/Contents/Resources/$data"
    depth="$(echo "$data" | tr -cd / | wc -c)"
    up="$(printf '../%.0s' $(seq 1 $((depth + 1))))"
    ln -s "${up}Resources/$data" "$macos_dir/$data"
  fi
done

# 4. Sign (optional, needed for Gatekeeper): every Mach-O inside first, then the app.
if [ -n "${BYWAY_CODESIGN_IDENTITY:-}" ]; then
  find "$macos_dir/tor" -type f \( -perm -u+x -o -name '*.dylib' \) -print0 |
    xargs -0 codesign --force --timestamp --options runtime --sign "$BYWAY_CODESIGN_IDENTITY"
  codesign --force --timestamp --options runtime --sign "$BYWAY_CODESIGN_IDENTITY" "$app"
  codesign --verify --deep --strict "$app"
fi

# 5. Smoke test: the self-test from a copy, with HOME pointed at an empty folder.
scratch="$(mktemp -d)"
mkdir "$scratch/home"
ditto "$app" "$scratch/Byway.app"
HOME="$scratch/home" "$scratch/Byway.app/Contents/MacOS/byway" --self-test
if [ -n "$(ls -A "$scratch/home")" ]; then
  echo "the self-test wrote into HOME: $(ls -A "$scratch/home")" >&2
  exit 1
fi
rm -rf "$scratch"

# 6. The disk image.
hdiutil create -volname Byway -srcfolder "$app" -ov -format UDZO "dist/Byway-$version-macos-$arch.dmg"
du -sh "$app"
