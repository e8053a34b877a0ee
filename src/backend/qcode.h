/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Characters to the keys that type them on a US keyboard, as QEMU's
 * qcodes (the names QMP input-send-event takes): one table.
 */
#ifndef VMDESK_BACKEND_QCODE_H
#define VMDESK_BACKEND_QCODE_H

/* The qcode of the Shift key held for a shifted character. */
#define QCODE_SHIFT	"shift"

/*
 * The key for character c (printable ASCII, newline, tab): its qcode in
 * *qcode and whether Shift is held in *shift. -1 for any other byte.
 */
int	qcode_for_char(int, const char **, int *);

#endif
