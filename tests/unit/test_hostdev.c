/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for backend/hostdev: the bridge helper's list, absent devices. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/hostdev.h"

static void
acl(const char *text, const char *br, int want_allow, int want_deny,
    size_t want_includes)
{
	struct strv	inc;
	int		allow = 0, deny = 0;

	strv_init(&inc);
	hostdev_bridge_acl(text, strlen(text), br, &allow, &deny, &inc);
	assert_int_equal(allow, want_allow);
	assert_int_equal(deny, want_deny);
	assert_int_equal(inc.n, want_includes);
	strv_clear(&inc);
}

static void
test_hostdev_bridge_acl_reads_like_the_helper(void **state)
{
	(void)state;
	acl("allow br0\n", "br0", 1, 0, 0);
	acl("allow br0\n", "br1", 0, 0, 0);
	acl("# allow br1\nallow br0 # and not br1\n", "br1", 0, 0, 0);
	acl("\tallow   all\r\n", "virbr0", 1, 0, 0);
	acl("allow all\ndeny br0\n", "br0", 1, 1, 0);
	acl("deny all\nallow br0\n", "br0", 1, 1, 0);
	acl("include /etc/qemu/alice.conf\nallow\n", "br0", 0, 0, 1);
	acl("", "br0", 0, 0, 0);
	acl("allowbr0\n", "br0", 0, 0, 0);
}

static void
test_hostdev_absent_bridge_and_usb_device(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_int_equal(hostdev_bridge_check("vmdnobr0", &cause), -1);
	assert_non_null(strstr(cause, "there is no bridge vmdnobr0"));
	free(cause);
	/* Vendor ffff is reserved: no device has it. */
	assert_int_equal(hostdev_usb_check("ffff:fffe", &cause), -1);
	assert_non_null(strstr(cause, "no USB device ffff:fffe is plugged"));
	free(cause);
	assert_int_equal(hostdev_usb_check("ffff", &cause), -1);
	assert_non_null(strstr(cause, "is not a USB id"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostdev_bridge_acl_reads_like_the_helper),
		cmocka_unit_test(test_hostdev_absent_bridge_and_usb_device),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
