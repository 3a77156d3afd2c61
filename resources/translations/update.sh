#!/bin/sh
# Re-extract every translatable string and recompile both catalogues (docs/i18n.md).
# Run from the repository root: resources/translations/update.sh [LANG ...]   (default: zh_CN)
# Needs the project's virtualenv (.venv: pyside6-lupdate, pyside6-lrelease) and GNU gettext
# (xgettext, msgmerge, msgfmt: apt-get install gettext). New strings arrive untranslated; translate
# them (Qt Linguist: .venv/bin/pyside6-linguist resources/translations/flowdeck_LANG.ts; a PO editor
# or any text editor for the .po), then run this again to compile.
set -eu
langs=${*:-zh_CN}
dir=resources/translations
qt_sources=$(git ls-files 'app/*.py' 'widgets/*.py')
py_sources=$(git ls-files 'data/*.py' 'app/commands/*.py' | grep -v '/migrations/')

xgettext --language=Python --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=gettext_ \
  --keyword=ngettext:1,2 --flag=_:1:no-python-format --flag=N_:1:no-python-format \
  --flag=gettext_:1:no-python-format --flag=ngettext:1:no-python-format --flag=ngettext:2:no-python-format \
  --sort-by-file --no-location --package-name=flowdeck -o "$dir/flowdeck.pot" $py_sources

for lang in $langs; do
  # Qt side: merge into the .ts (no obsolete entries), then compile the .qm the app loads.
  .venv/bin/pyside6-lupdate $qt_sources -no-obsolete -ts "$dir/flowdeck_$lang.ts"
  .venv/bin/pyside6-lrelease "$dir/flowdeck_$lang.ts" -qm "$dir/flowdeck_$lang.qm"
  # gettext side: merge into the .po (no fuzzy guesses: a wrong guess reads as a real translation).
  po="$dir/$lang/LC_MESSAGES/flowdeck.po"
  mkdir -p "$(dirname "$po")"
  if [ -f "$po" ]; then
    msgmerge --quiet --update --backup=none --no-fuzzy-matching --no-location "$po" "$dir/flowdeck.pot"
  else
    msginit --no-translator --locale="$lang" --input="$dir/flowdeck.pot" --output-file="$po"
  fi
  msgattrib --no-obsolete --output-file="$po" "$po"
  msgfmt --check --statistics -o "${po%.po}.mo" "$po"
done
