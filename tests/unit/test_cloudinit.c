/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for images/cloudinit: texts, password hashes and the seed. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <crypt.h>

#include "images/cloudinit.h"
#include "util/fsutil.h"

static void
test_cloudinit_user_check(void **state)
{
	static const char *const good[] = { "alice", "_svc", "u1-x_y" };
	static const char *const bad[] = { "", "Alice", "1abc", "-x", "a b",
	    "root", "a:b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	char			*cause;
	size_t			 i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		cause = NULL;
		if (cloudinit_user_check(good[i], &cause) != 0)
			fail_msg("'%s' refused: %s", good[i], cause);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		if (cloudinit_user_check(bad[i], &cause) == 0)
			fail_msg("'%s' accepted", bad[i]);
		free(cause);
	}
}

static void
test_cloudinit_password(void **state)
{
	struct crypt_data	 cd;
	char			*h1, *h2, *cause = NULL;

	h1 = cloudinit_hash_password("s3cret", &cause);
	h2 = cloudinit_hash_password("s3cret", &cause);
	assert_non_null(h1);
	assert_non_null(h2);
	assert_true(strncmp(h1, "$6$", 3) == 0);
	/* A random salt each time; both verify. */
	assert_string_not_equal(h1, h2);
	memset(&cd, 0, sizeof cd);
	assert_string_equal(crypt_r("s3cret", h1, &cd), h1);
	assert_string_not_equal(crypt_r("s3creT", h1, &cd), h1);
	free(h1);
	free(h2);
	assert_null(cloudinit_hash_password("", &cause));
	free(cause);
}

static void
test_cloudinit_texts(void **state)
{
	struct cloudinit	 ci;
	struct strv		 keys;
	char			*meta, *user, *id;

	strv_init(&keys);
	strv_push(&keys, "ssh-ed25519 AAAA me@host");
	strv_push(&keys, "ssh-rsa BBBB \"quoted\\\"");
	id = cloudinit_instance_id();
	assert_int_equal(strlen(id), 18);
	memset(&ci, 0, sizeof ci);
	ci.instance_id = id;
	ci.hostname = "web_1.test";
	ci.user = "alice";
	ci.keys = &keys;
	meta = cloudinit_meta_data(&ci);
	assert_non_null(strstr(meta, "instance-id: i-"));
	assert_non_null(strstr(meta, "local-hostname: web-1-test\n"));
	user = cloudinit_user_data(&ci);
	assert_true(strncmp(user, "#cloud-config\n", 14) == 0);
	assert_non_null(strstr(user, "hostname: web-1-test\n"));
	assert_non_null(strstr(user, "  - name: alice\n"));
	assert_non_null(strstr(user, "      - \"ssh-ed25519 AAAA me@host\"\n"));
	assert_non_null(strstr(user,
	    "      - \"ssh-rsa BBBB \\\"quoted\\\\\\\"\"\n"));
	assert_non_null(strstr(user, "ssh_pwauth: false\n"));
	assert_null(strstr(user, "passwd"));
	free(user);
	ci.password_hash = "$6$salt$hash";
	ci.keys = NULL;
	user = cloudinit_user_data(&ci);
	assert_non_null(strstr(user, "    passwd: \"$6$salt$hash\"\n"));
	assert_non_null(strstr(user, "ssh_pwauth: true\n"));
	assert_null(strstr(user, "ssh_authorized_keys"));
	assert_null(strstr(user, "runcmd"));
	free(user);
	/* A lab's provision commands: runcmd, each one quoted. */
	strv_clear(&keys);
	strv_push(&keys, "echo \"hi\" > /tmp/x");
	strv_push(&keys, "apt-get install -y nginx");
	ci.runcmds = &keys;
	user = cloudinit_user_data(&ci);
	assert_non_null(strstr(user, "runcmd:\n  - \"echo \\\"hi\\\" > /tmp/x\"\n"
	    "  - \"apt-get install -y nginx\"\n"));
	free(user);
	free(meta);
	free(id);
	strv_clear(&keys);
}

/* The seed reads back, and a rewrite changes only name and id. */
static void
test_cloudinit_seed(void **state)
{
	struct cloudinit	 ci;
	struct strv		 keys;
	char			 dir[] = "/tmp/test_cloudinit.XXXXXX";
	char			*a, *b, *meta, *user, *cause = NULL;

	assert_non_null(mkdtemp(dir));
	a = fs_path_join(dir, "a.iso");
	b = fs_path_join(dir, "b.iso");
	strv_init(&keys);
	strv_push(&keys, "ssh-ed25519 AAAA me@host");
	memset(&ci, 0, sizeof ci);
	ci.instance_id = "i-1";
	ci.hostname = "one";
	ci.user = "bob";
	ci.keys = &keys;
	if (cloudinit_write_seed(a, &ci, &cause) != 0)
		fail_msg("%s", cause);
	meta = cloudinit_read_member(a, "meta-data", &cause);
	assert_string_equal(meta, "instance-id: i-1\nlocal-hostname: one\n");
	free(meta);
	if (cloudinit_rewrite_seed(a, b, "two", "i-2", &cause) != 0)
		fail_msg("%s", cause);
	meta = cloudinit_read_member(b, "meta-data", &cause);
	assert_string_equal(meta, "instance-id: i-2\nlocal-hostname: two\n");
	user = cloudinit_read_member(b, "user-data", &cause);
	assert_non_null(strstr(user, "hostname: two\n"));
	assert_null(strstr(user, "hostname: one"));
	assert_non_null(strstr(user, "  - name: bob\n"));
	assert_non_null(strstr(user, "ssh-ed25519 AAAA me@host"));
	free(user);
	free(meta);
	assert_null(cloudinit_read_member(b, "vendor-data", &cause));
	free(cause);
	strv_clear(&keys);
	unlink(a);
	unlink(b);
	rmdir(dir);
	free(a);
	free(b);
}

/* vmdesk's boot commands replace their own block, and nothing else. */
static void
test_cloudinit_bootcmds(void **state)
{
	struct cloudinit	 ci;
	struct strv		 cmds;
	char			 dir[] = "/tmp/test_cloudinit.XXXXXX";
	char			*a, *meta, *user, *cause = NULL;

	assert_non_null(mkdtemp(dir));
	a = fs_path_join(dir, "a.iso");
	memset(&ci, 0, sizeof ci);
	ci.instance_id = "i-1";
	ci.hostname = "one";
	ci.user = "bob";
	if (cloudinit_write_seed(a, &ci, &cause) != 0)
		fail_msg("%s", cause);
	strv_init(&cmds);
	strv_push(&cmds, "mount -t virtiofs \"a\" /mnt/a");
	strv_push(&cmds, "mount b");
	if (cloudinit_set_bootcmds(a, &cmds, &cause) != 0)
		fail_msg("%s", cause);
	strv_clear(&cmds);
	strv_push(&cmds, "mount c");
	if (cloudinit_set_bootcmds(a, &cmds, &cause) != 0)
		fail_msg("%s", cause);
	user = cloudinit_read_member(a, "user-data", &cause);
	assert_non_null(strstr(user, "bootcmd:\n  - \"mount c\"\n"));
	assert_null(strstr(user, "mount b"));
	assert_non_null(strstr(user, "  - name: bob\n"));
	free(user);
	strv_clear(&cmds);
	if (cloudinit_set_bootcmds(a, &cmds, &cause) != 0)
		fail_msg("%s", cause);
	user = cloudinit_read_member(a, "user-data", &cause);
	assert_null(strstr(user, "bootcmd"));
	assert_non_null(strstr(user, "ssh_pwauth: false\n"));
	meta = cloudinit_read_member(a, "meta-data", &cause);
	assert_string_equal(meta, "instance-id: i-1\nlocal-hostname: one\n");
	free(meta);
	free(user);
	unlink(a);
	rmdir(dir);
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cloudinit_user_check),
		cmocka_unit_test(test_cloudinit_password),
		cmocka_unit_test(test_cloudinit_texts),
		cmocka_unit_test(test_cloudinit_seed),
		cmocka_unit_test(test_cloudinit_bootcmds),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
