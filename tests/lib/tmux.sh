# SPDX-License-Identifier: GPL-2.0-or-later
# The terminal of the desktop tests: a private tmux server, what its
# session shows, and waiting for it. Source after common.sh; set
# TMUX_SESSION (default d) and WAIT_TICKS (0.2 s each, default 100).
command -v tmux >/dev/null 2>&1 || { echo "SKIP: no tmux" >&2; exit 77; }

passed=0
ok() { passed=$((passed + 1)); }
TM="tmux -L vmd$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null; cleanup' EXIT

screen() { $TM capture-pane -p -t "${TMUX_SESSION:-d}"; }

# Wait until the screen shows $1 (a grep -E pattern), $2 ticks at most.
wait_screen() {
	i=0
	while [ $i -lt "${2:-${WAIT_TICKS:-100}}" ]; do
		screen | grep -qE -- "$1" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	screen >&2
	fail "the screen never showed '$1'"
}
