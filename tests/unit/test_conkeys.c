/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for tui/conkeys: terminal keys to keysyms, with Shift for
 * the shifted half of a US keyboard (QEMU adds none).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <curses.h>

#include "backend/vnc.h"
#include "tui/conkeys.h"

static void
expect(int key, uint32_t keysym, int mods)
{
	struct conkey	k;

	if (!conkeys_map(key, &k))
		fail_msg("key %d has no keysym", key);
	if (k.keysym != keysym || k.mods != mods)
		fail_msg("key %d: keysym %#x mods %d, wanted %#x %d", key,
		    k.keysym, k.mods, keysym, mods);
}

static void
test_conkeys_printable(void **state)
{
	const char	*plain = "abz019`-=[]\\;',./ ";
	const char	*shifted = "AZ~!@#$%^&*()_+{}|:\"<>?";
	const char	*p;

	for (p = plain; *p != '\0'; p++)
		expect(*p, (uint32_t)*p, 0);
	for (p = shifted; *p != '\0'; p++)
		expect(*p, (uint32_t)*p, VNC_MOD_SHIFT);
}

static void
test_conkeys_special(void **state)
{
	expect('\r', VNC_KEY_RETURN, 0);
	expect(KEY_ENTER, VNC_KEY_RETURN, 0);
	expect(127, VNC_KEY_BACKSPACE, 0);
	expect(KEY_BACKSPACE, VNC_KEY_BACKSPACE, 0);
	expect('\t', VNC_KEY_TAB, 0);
	expect(KEY_BTAB, VNC_KEY_TAB, VNC_MOD_SHIFT);
	expect(27, VNC_KEY_ESCAPE, 0);
	expect(KEY_UP, VNC_KEY_UP, 0);
	expect(KEY_LEFT, VNC_KEY_LEFT, 0);
	expect(KEY_HOME, VNC_KEY_HOME, 0);
	expect(KEY_END, VNC_KEY_END, 0);
	expect(KEY_PPAGE, VNC_KEY_PAGE_UP, 0);
	expect(KEY_NPAGE, VNC_KEY_PAGE_DOWN, 0);
	expect(KEY_IC, VNC_KEY_INSERT, 0);
	expect(KEY_DC, VNC_KEY_DELETE, 0);
	expect(KEY_F(1), VNC_KEY_F1, 0);
	expect(KEY_F(12), VNC_KEY_F1 + 11, 0);
	expect(KEY_F(13), VNC_KEY_F1, VNC_MOD_SHIFT);
	expect(KEY_F(26), VNC_KEY_F1 + 1, VNC_MOD_CTRL);
	expect(KEY_F(49), VNC_KEY_F1, VNC_MOD_ALT);
}

static void
test_conkeys_ctrl(void **state)
{
	struct conkey	k;

	expect(1, 'a', VNC_MOD_CTRL);
	expect(3, 'c', VNC_MOD_CTRL);
	expect(8, 'h', VNC_MOD_CTRL);
	expect(26, 'z', VNC_MOD_CTRL);
	expect(29, ']', VNC_MOD_CTRL);
	assert_int_equal(conkeys_map(KEY_MOUSE, &k), 0);
	assert_int_equal(conkeys_map(KEY_RESIZE, &k), 0);
	assert_int_equal(conkeys_map(0xe9, &k), 0);
}

/* The events of a key typed with latched modifiers, as a string. */
static void
expect_events(int key, int latched, const char *want)
{
	struct conkey		k;
	struct conkey_event	ev[CONKEYS_EVENTS];
	char			got[256];
	size_t			at = 0;
	int			i, n;

	if (!conkeys_map(key, &k))
		fail_msg("key %d has no keysym", key);
	n = conkeys_events(&k, latched, ev);
	assert_in_range(n, 2, CONKEYS_EVENTS);
	got[0] = '\0';
	for (i = 0; i < n; i++)
		at += (size_t)snprintf(got + at, sizeof got - at, "%s%c%x",
		    i > 0 ? " " : "", ev[i].down ? '+' : '-', ev[i].keysym);
	assert_string_equal(got, want);
}

/* Latched modifiers go down first, the key, then up in reverse order. */
static void
test_conkeys_latched(void **state)
{
	expect_events('u', 0, "+75 -75");
	expect_events('u', VNC_MOD_CTRL, "+ffe3 +75 -75 -ffe3");
	/* Ctrl then Alt latched, F2 typed: Ctrl-Alt-F2. */
	expect_events(KEY_F(2), VNC_MOD_CTRL|VNC_MOD_ALT,
	    "+ffe3 +ffe9 +ffbf -ffbf -ffe9 -ffe3");
	/* The key's own Shift joins the latched Super. */
	expect_events('R', VNC_MOD_SUPER, "+ffe1 +ffeb +52 -52 -ffeb -ffe1");
	expect_events('r', VNC_MOD_SUPER, "+ffeb +72 -72 -ffeb");
	/* Latched Shift: a letter's capital (QEMU keeps a keysym's case). */
	expect_events('x', VNC_MOD_SHIFT, "+ffe1 +58 -58 -ffe1");
	expect_events('1', VNC_MOD_SHIFT, "+ffe1 +31 -31 -ffe1");
	expect_events('x', VNC_MOD_CTRL, "+ffe3 +78 -78 -ffe3");
	/* Latched Ctrl and a Ctrl key from the terminal: Ctrl once. */
	expect_events(3, VNC_MOD_CTRL, "+ffe3 +63 -63 -ffe3");
	/* All four. */
	expect_events(KEY_DC, VNC_MOD_CTRL|VNC_MOD_ALT|VNC_MOD_SHIFT|
	    VNC_MOD_SUPER, "+ffe3 +ffe9 +ffe1 +ffeb +ffff -ffff -ffeb -ffe1 "
	    "-ffe9 -ffe3");
}

static void
test_conkeys_mods_name(void **state)
{
	char	buf[32];

	conkeys_mods_name(0, buf, sizeof buf);
	assert_string_equal(buf, "");
	conkeys_mods_name(VNC_MOD_ALT|VNC_MOD_CTRL, buf, sizeof buf);
	assert_string_equal(buf, "Ctrl+Alt+");
	conkeys_mods_name(VNC_MOD_SUPER|VNC_MOD_SHIFT, buf, sizeof buf);
	assert_string_equal(buf, "Shift+Super+");
	/* Cut short, still a string. */
	conkeys_mods_name(VNC_MOD_CTRL|VNC_MOD_ALT, buf, 7);
	assert_string_equal(buf, "Ctrl+A");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conkeys_printable),
		cmocka_unit_test(test_conkeys_special),
		cmocka_unit_test(test_conkeys_ctrl),
		cmocka_unit_test(test_conkeys_latched),
		cmocka_unit_test(test_conkeys_mods_name),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
