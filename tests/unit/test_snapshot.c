/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for backend/snapshot's check of what blocks a live snapshot. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/snapshot.h"

static struct vm_def *
parse(const char *text)
{
	struct vm_def	*def;
	char		*cause = NULL;

	def = vmdef_parse(text, strlen(text), "t.conf", &cause);
	if (def == NULL)
		fail_msg("%s", cause);
	return (def);
}

/* A share or a host USB device blocks RAM; a USB stick file does not. */
static void
test_snapshot_live_blocker(void **state)
{
	static const struct {
		const char	*conf;
		const char	*want;	/* in the reason, or NULL: none */
	} cases[] = {
		{ "[disk root]\nfile = r.qcow2\n", NULL },
		{ "[usb stick]\nfile = /s.img\n", NULL },
		/* QEMU is asked: a 9p share not mounted does not block it. */
		{ "[share home]\npath = /srv\n", NULL },
		{ "[usb key]\nhost = 1050:0407\n", "usb remove a key" },
	};
	struct vm_def	*def;
	char		*why, *text;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		text = malloc(strlen(cases[i].conf) + 32);
		strcpy(text, "[vm]\nname = a\n");
		strcat(text, cases[i].conf);
		def = parse(text);
		why = snapshot_live_blocker(def);
		if (cases[i].want == NULL)
			assert_null(why);
		else {
			assert_non_null(why);
			assert_non_null(strstr(why, cases[i].want));
			assert_non_null(strstr(why, "--disk-only"));
		}
		free(why);
		free(text);
		vmdef_free(def);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_snapshot_live_blocker),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
