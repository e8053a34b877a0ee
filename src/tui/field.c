/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A line of text being typed: UTF-8 kept whole, edited by character. */
#include "config.h"

#include "tui/field.h"

#include <string.h>

#include <curses.h>

/* The bytes of a UTF-8 character that starts with this lead, or 0. */
static size_t
field_seq_len(unsigned char c)
{
	if (c >= 0xc2 && c <= 0xdf)
		return (2);
	if (c >= 0xe0 && c <= 0xef)
		return (3);
	if (c >= 0xf0 && c <= 0xf4)
		return (4);
	return (0);
}

/*
 * Where the last character of buf starts, and (in *missing) how many of
 * its bytes have not come yet.
 */
static size_t
field_last(const char *buf, size_t len, size_t *missing)
{
	size_t	start = len, want;

	*missing = 0;
	while (start > 0 && len - start < 4 &&
	    ((unsigned char)buf[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0)
		return (len > 0 ? len - 1 : 0);
	start--;
	want = field_seq_len((unsigned char)buf[start]);
	if (want > len - start)
		*missing = want - (len - start);
	return (start);
}

/*
 * Whether c may follow the lead byte: no overlong forms, no surrogates,
 * nothing above U+10FFFF.
 */
static int
field_second_ok(unsigned char lead, unsigned char c)
{
	if ((c & 0xc0) != 0x80)
		return (0);
	if (lead == 0xe0)
		return (c >= 0xa0);
	if (lead == 0xed)
		return (c <= 0x9f);
	if (lead == 0xf0)
		return (c >= 0x90);
	if (lead == 0xf4)
		return (c <= 0x8f);
	return (1);
}

/* A byte of a UTF-8 character. */
static int
field_utf8(char *buf, size_t size, unsigned char c)
{
	size_t	len = strlen(buf), start, missing;

	start = field_last(buf, len, &missing);
	if (missing > 0 && (c & 0xc0) == 0x80) {
		if (len - start == 1 &&
		    !field_second_ok((unsigned char)buf[start], c))
			return (1);
		buf[len] = (char)c;
		buf[len + 1] = '\0';
		return (1);
	}
	/* A lead (an unfinished character before it is dropped). */
	if (missing > 0)
		buf[len = start] = '\0';
	if (field_seq_len(c) == 0 || len + field_seq_len(c) >= size)
		return (1);
	buf[len] = (char)c;
	buf[len + 1] = '\0';
	return (1);
}

int
field_key(char *buf, size_t size, int key, int flags)
{
	size_t	len = strlen(buf), missing;

	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (len > 0)
			buf[field_last(buf, len, &missing)] = '\0';
		return (1);
	}
	if (key >= 0x80 && key <= 0xff && !(flags & FIELD_ASCII))
		return (field_utf8(buf, size, (unsigned char)key));
	if (key < 32 || key >= 127)
		return (0);
	field_finish(buf);
	len = strlen(buf);
	if (len + 1 < size) {
		buf[len] = (char)key;
		buf[len + 1] = '\0';
	}
	return (1);
}

void
field_finish(char *buf)
{
	size_t	len = strlen(buf), start, missing;

	start = field_last(buf, len, &missing);
	if (missing > 0)
		buf[start] = '\0';
}
