#!/bin/sh
# Install this Flowdeck bundle for the current user: a `flowdeck` command in ~/.local/bin, the
# launcher, the icon and the AppStream data in ~/.local/share. The bundle stays where it is (move
# the folder first if you want it elsewhere); `install.sh --uninstall` removes what this put there.
# PREFIX=/usr/local (as root) installs for everyone instead.
set -eu
APP_ID=io.github.flowdeck.Flowdeck
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-"${HOME:?HOME is not set}/.local"}
data=${XDG_DATA_HOME:-"$prefix/share"}
[ -n "${PREFIX:-}" ] && data="$prefix/share"
bin="$prefix/bin"

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$bin/flowdeck" "$data/applications/$APP_ID.desktop" "$data/metainfo/$APP_ID.metainfo.xml" \
    "$data/icons/hicolor/scalable/apps/$APP_ID.svg"
  echo "Flowdeck's launcher, icon and command removed (the bundle in $here and your data stay)."
  exit 0
fi
[ -x "$here/flowdeck" ] || { echo "install.sh: $here/flowdeck not found: run the install.sh inside the bundle" >&2; exit 1; }

mkdir -p "$bin" "$data/applications" "$data/metainfo" "$data/icons/hicolor/scalable/apps"
ln -sf "$here/flowdeck" "$bin/flowdeck"
# The launcher runs the bundle by its absolute path: it works even where ~/.local/bin is not on PATH.
sed -e "s|^Exec=flowdeck|Exec=\"$here/flowdeck\"|" -e "s|^TryExec=flowdeck|TryExec=$here/flowdeck|" \
  "$here/share/applications/$APP_ID.desktop" > "$data/applications/$APP_ID.desktop"
cp "$here/share/metainfo/$APP_ID.metainfo.xml" "$data/metainfo/"
cp "$here/share/icons/hicolor/scalable/apps/$APP_ID.svg" "$data/icons/hicolor/scalable/apps/"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "Flowdeck installed: run 'flowdeck' or find it in your applications menu."
case ":$PATH:" in *":$bin:"*) ;; *) echo "note: $bin is not on your PATH; the menu entry works regardless." ;; esac
