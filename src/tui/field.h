/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A line of text being typed: UTF-8 kept whole, edited by character. */
#ifndef VMDESK_TUI_FIELD_H
#define VMDESK_TUI_FIELD_H

#include <stddef.h>

/* field_key() flags. */
#define FIELD_ASCII	0x1	/* printable ASCII only */

/*
 * Apply a key to buf (a string in size bytes). Backspace removes the last
 * character, all its bytes; a printable character is appended. The
 * terminal sends a UTF-8 character as one key per byte: the bytes are
 * appended while they stay valid UTF-8, and only when the whole
 * character fits. Returns 1 when the key was taken, 0 when it is not for
 * a text field (the caller may use it).
 */
int	field_key(char *, size_t, int, int);

/* Drop a character left incomplete at the end of buf (before using it). */
void	field_finish(char *);

#endif
