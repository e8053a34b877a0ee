/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text to key presses in a running guest. */
#include "config.h"

#include "ops/typing.h"

#include <stdio.h>
#include <stdlib.h>

#include "backend/qcode.h"
#include "backend/vmproc.h"
#include "backend/vmstate.h"
#include "ops/vmctl.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

int
typing_check(const char *text, size_t len, char **cause)
{
	const char	*qcode;
	unsigned char	 c;
	size_t		 i;
	int		 shift;

	for (i = 0; i < len; i++) {
		c = (unsigned char)text[i];
		if (qcode_for_char(c, &qcode, &shift) == 0)
			continue;
		if (c > ' ' && c < 127)
			*cause = xasprintf("character %zu ('%c') has no key on "
			    "a US keyboard", i + 1, c);
		else
			*cause = xasprintf("character %zu (byte 0x%02x) cannot "
			    "be typed: only printable ASCII, newlines and tabs "
			    "can", i + 1, c);
		return (-1);
	}
	return (0);
}

/* One key event for input-send-event. */
static json_t *
typing_event(const char *qcode, int down)
{
	return (json_pack("{s:s, s:{s:b, s:{s:s, s:s}}}", "type", "key",
	    "data", "down", down, "key", "type", "qcode", "data", qcode));
}

/* Press (down 1) or release one key, then let the guest see it. */
static int
typing_event_send(struct qmp *q, const char *qcode, int down, char **cause)
{
	json_t	*r;

	r = qmp_command(q, "input-send-event", json_pack("{s:[o]}", "events",
	    typing_event(qcode, down)), VMPROC_QMP_TIMEOUT, cause);
	if (r == NULL)
		return (-1);
	json_decref(r);
	time_sleep_ms(TYPING_PACE_MS);
	return (0);
}

/*
 * Press (down 1) or release a key, with Shift around it when shift. Each
 * event goes alone: a USB keyboard (virt's) that got a key's release and
 * Shift's in one batch kept Shift down for the next key ("A0" came out
 * "A)").
 */
static int
typing_key(struct qmp *q, const char *qcode, int shift, int down,
    char **cause)
{
	if (shift && down && typing_event_send(q, QCODE_SHIFT, 1, cause) != 0)
		return (-1);
	if (typing_event_send(q, qcode, down, cause) != 0)
		return (-1);
	if (shift && !down && typing_event_send(q, QCODE_SHIFT, 0, cause) != 0)
		return (-1);
	return (0);
}

int
typing_send(struct qmp *q, const char *text, size_t len, char **cause)
{
	const char	*qcode;
	size_t		 i;
	int		 shift;

	if (typing_check(text, len, cause) != 0)
		return (-1);
	for (i = 0; i < len; i++) {
		qcode_for_char((unsigned char)text[i], &qcode, &shift);
		if (typing_key(q, qcode, shift, 1, cause) != 0 ||
		    typing_key(q, qcode, shift, 0, cause) != 0)
			return (-1);
	}
	return (0);
}

int
typing_type(const struct library *lib, const char *name, const char *text,
    size_t len, char **cause)
{
	struct vm_paths	 p;
	struct vm_status st;
	struct qmp	*q;
	int		 rc = -1;

	if (typing_check(text, len, cause) != 0 ||
	    vmctl_paths(lib, name, &p, cause) != 0)
		return (-1);
	vmproc_status(&p, VMPROC_QMP_TIMEOUT, &st);
	if (st.state != VM_RUNNING)
		*cause = xasprintf("VM %s is %s: text can only be typed into a "
		    "running VM", name, vmstate_name(st.state));
	else if ((q = vmproc_monitor(&p, VMPROC_QMP_TIMEOUT, cause)) != NULL) {
		rc = typing_send(q, text, len, cause);
		qmp_close(q);
	}
	vm_status_clear(&st);
	vm_paths_clear(&p);
	return (rc);
}
