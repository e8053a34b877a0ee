/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Characters to QEMU qcodes on a US keyboard layout. */
#include "config.h"

#include "backend/qcode.h"

#include <stddef.h>

/*
 * Every key that types a character, with the character it gives alone
 * and with Shift ('\0': nothing typed with Shift). QEMU names letters
 * and digits by themselves ("a", "1"); the rest are in this table.
 */
static const struct {
	const char	*qcode;
	char		 plain;
	char		 shifted;
} qcode_keys[] = {
	{ "grave_accent", '`', '~' },
	{ "1", '1', '!' }, { "2", '2', '@' }, { "3", '3', '#' },
	{ "4", '4', '$' }, { "5", '5', '%' }, { "6", '6', '^' },
	{ "7", '7', '&' }, { "8", '8', '*' }, { "9", '9', '(' },
	{ "0", '0', ')' },
	{ "minus", '-', '_' },
	{ "equal", '=', '+' },
	{ "bracket_left", '[', '{' },
	{ "bracket_right", ']', '}' },
	{ "backslash", '\\', '|' },
	{ "semicolon", ';', ':' },
	{ "apostrophe", '\'', '"' },
	{ "comma", ',', '<' },
	{ "dot", '.', '>' },
	{ "slash", '/', '?' },
	{ "spc", ' ', '\0' },
	{ "ret", '\n', '\0' },
	{ "tab", '\t', '\0' },
};

/* The letters' qcodes, "a" to "z", as strings the table can point at. */
static const char *const qcode_letters[] = {
	"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
	"n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
};

int
qcode_for_char(int c, const char **qcode, int *shift)
{
	size_t	i;

	if (c >= 'a' && c <= 'z') {
		*qcode = qcode_letters[c - 'a'];
		*shift = 0;
		return (0);
	}
	if (c >= 'A' && c <= 'Z') {
		*qcode = qcode_letters[c - 'A'];
		*shift = 1;
		return (0);
	}
	for (i = 0; c != '\0' && i < sizeof qcode_keys / sizeof qcode_keys[0];
	    i++) {
		if (qcode_keys[i].plain == c || qcode_keys[i].shifted == c) {
			*qcode = qcode_keys[i].qcode;
			*shift = qcode_keys[i].shifted == c;
			return (0);
		}
	}
	return (-1);
}
