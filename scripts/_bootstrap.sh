# Sourced by scripts/test and scripts/demo: sets up everything confarchive needs, from nothing.
#   - system packages (ffmpeg/ffprobe, python3-venv, and what $BOOTSTRAP_APT adds): installed with
#     apt-get when running as root, otherwise the exact command to run is printed;
#   - a virtual environment ($CONFARCHIVE_VENV, default .venv) with confarchive installed editable,
#     reinstalled only when pyproject.toml changes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CONFARCHIVE_VENV:-$ROOT/.venv}"
EXTRAS="${BOOTSTRAP_EXTRAS:-}"

say() { printf '%s\n' "$*" >&2; }

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
for pkg in ${BOOTSTRAP_APT:-}; do
  case "$pkg" in
    chromium) command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    chromium-driver) command -v chromedriver >/dev/null 2>&1 || [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver) ;;
    tesseract-ocr) command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx eng \
                     || missing+=(tesseract-ocr) ;;
    espeak-ng) command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng) ;;
    *) missing+=("$pkg") ;;
  esac
done
PY="$(find_python || true)"
if [ -z "$PY" ]; then
  missing+=(python3)
elif [ ! -x "$VENV/bin/python" ] && ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  # shellcheck disable=SC2207
  missing=($(printf '%s\n' "${missing[@]}" | sort -u))
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing system packages: ${missing[*]}"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  else
    say "confarchive needs these system packages: ${missing[*]}"
    say "install them with:  sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  PY="$(find_python || true)"
  [ -n "$PY" ] || { say "Python 3.11 or newer is required (sudo apt-get install -y python3.11 python3.11-venv)"; exit 1; }
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "creating the virtual environment $VENV"
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.confarchive-installed"
want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)${EXTRAS}"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing confarchive${EXTRAS:+[$EXTRAS]} and its dependencies into $VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT${EXTRAS:+[$EXTRAS]}" >&2
  printf '%s' "$want" > "$stamp"
fi
