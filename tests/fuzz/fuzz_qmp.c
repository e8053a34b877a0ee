/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: what a QMP monitor sends, as it arrives. The first bytes
 * choose where the stream is cut; the client reads between the pieces,
 * so partial lines, several messages in one read and junk are all seen.
 * A greeting and the capabilities reply come first, as from QEMU.
 */
#include "config.h"

#include <sys/socket.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/qmp.h"
#include "fuzz.h"

static const char qmp_hello[] =
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, "
    "\"major\": 7}}, \"capabilities\": [\"oob\"]}}\r\n"
    "{\"return\": {}, \"id\": 1}\r\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct qmp	*q;
	json_t		*ev;
	char		*cause = NULL;
	size_t		 off, cut, ncuts;
	int		 sv[2];

	if (len < 1 || len > 32768)
		return (0);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		abort();
	if (write(sv[1], qmp_hello, strlen(qmp_hello)) < 0)
		abort();
	if ((q = qmp_open_fd(sv[0], 1000, &cause)) == NULL)
		abort();
	ncuts = data[0] % 8 + 1;
	data++;
	len--;
	for (off = 0; off < len && !qmp_closed(q); off += cut) {
		cut = (len - off) / ncuts + 1;
		if (cut > len - off)
			cut = len - off;
		if (write(sv[1], data + off, cut) != (ssize_t)cut)
			abort();
		if (qmp_read(q, &cause) != 0) {
			free(cause);
			cause = NULL;
			break;
		}
		while ((ev = qmp_next_event(q)) != NULL) {
			(void)qmp_event_kind(ev);
			json_decref(ev);
		}
	}
	close(sv[1]);
	if (qmp_read(q, &cause) != 0)
		free(cause);
	while ((ev = qmp_next_event(q)) != NULL)
		json_decref(ev);
	qmp_close(q);
	return (0);
}
