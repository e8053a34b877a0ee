/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for backend/qemu_img: qemu-img info read into a struct, and
 * the one backing-chain walker over real qcow2 chains in a temp folder.
 */
#include "config.h"

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/qemu_img.h"
#include "util/fsutil.h"
#include "util/strv.h"
#include "util/xmalloc.h"

static int
setup(void **state)
{
	char	*dir = xstrdup("/tmp/test_qemu_img.XXXXXX");

	assert_non_null(mkdtemp(dir));
	*state = dir;
	return (0);
}

static int
teardown(void **state)
{
	char	*cause = NULL;

	fs_rm_rf(*state, &cause);
	free(*state);
	return (0);
}

static char *
make(const char *dir, const char *name, const char *backing)
{
	char	*path, *cause = NULL;

	path = fs_path_join(dir, name);
	if (qemu_img_create(path, 1 << 20, backing, &cause) != 0)
		fail_msg("%s", cause);
	return (path);
}

/* Rewrite a qcow2's backing name without looking at it (-u). */
static void
rebase(const char *path, const char *backing, const char *fmt)
{
	struct strv	 args;
	char		*cause = NULL;

	strv_init(&args);
	strv_push(&args, "rebase");
	strv_push(&args, "-u");
	strv_push(&args, "-f");
	strv_push(&args, "qcow2");
	strv_push(&args, "-b");
	strv_push(&args, backing);
	if (fmt != NULL) {
		strv_push(&args, "-F");
		strv_push(&args, fmt);
	}
	strv_push(&args, path);
	if (qemu_img_run(&args, NULL, &cause) != 0)
		fail_msg("%s", cause);
	strv_clear(&args);
}

static void
test_qemu_img_info_parse(void **state)
{
	struct qemu_img_info	 info;
	char			*cause = NULL;
	const char		*text = "{\"format\": \"qcow2\", "
	    "\"virtual-size\": 1048576, \"actual-size\": 200704, "
	    "\"backing-filename\": \"b.qcow2\", \"full-backing-filename\": "
	    "\"/x/b.qcow2\", \"backing-filename-format\": \"qcow2\", "
	    "\"format-specific\": {\"type\": \"qcow2\", \"data\": "
	    "{\"data-file\": \"/etc/passwd\"}}, \"snapshots\": [{\"name\": "
	    "\"s1\", \"date-sec\": 7, \"vm-state-size\": 9}, {\"id\": \"2\"}]}";

	(void)state;
	assert_int_equal(qemu_img_info_parse(text, &info, &cause), 0);
	assert_string_equal(info.format, "qcow2");
	assert_true(info.virtual_size == 1048576);
	assert_true(info.actual_size == 200704);
	assert_string_equal(info.backing, "b.qcow2");
	assert_string_equal(info.backing_full, "/x/b.qcow2");
	assert_string_equal(info.backing_format, "qcow2");
	assert_string_equal(info.data_file, "/etc/passwd");
	assert_int_equal(info.nsnaps, 1);
	assert_string_equal(info.snaps[0].name, "s1");
	assert_true(info.snaps[0].date_sec == 7);
	assert_true(info.snaps[0].vm_state_size == 9);
	qemu_img_info_clear(&info);
	assert_int_equal(qemu_img_info_parse("[1]", &info, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(qemu_img_info_parse("{", &info, &cause), -1);
	free(cause);
}

static void
test_qemu_img_info_real(void **state)
{
	struct qemu_img_info	 info;
	char			*a, *b, *cause = NULL;

	a = make(*state, "a.qcow2", NULL);
	b = make(*state, "b.qcow2", a);
	if (qemu_img_info(b, "qcow2", 1, &info, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(info.format, "qcow2");
	assert_true(info.virtual_size == 1 << 20);
	assert_string_equal(info.backing, a);
	assert_string_equal(info.backing_format, "qcow2");
	assert_null(info.data_file);
	qemu_img_info_clear(&info);
	free(a);
	free(b);
}

/* Relative names resolve against the file that names them. */
static void
test_qemu_img_chain_relative(void **state)
{
	struct qemu_img_chain	 c;
	struct stat		 sb;
	char			*a, *b, *top, *sub, *cause = NULL;

	sub = fs_path_join(*state, "sub");
	assert_int_equal(fs_mkdir_p(sub, 0755, &cause), 0);
	a = make(*state, "a.qcow2", NULL);
	b = make(sub, "b.qcow2", a);
	rebase(b, "../a.qcow2", "qcow2");
	top = make(sub, "top.qcow2", b);
	rebase(top, "b.qcow2", "qcow2");
	qemu_img_chain(top, "qcow2", 1, &c);
	assert_null(c.broken);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.v[2].path, a);
	assert_string_equal(c.v[1].format, "qcow2");
	assert_int_equal(stat(a, &sb), 0);
	assert_true(qemu_img_chain_has(&c, sb.st_dev, sb.st_ino));
	qemu_img_chain_clear(&c);
	free(a);
	free(b);
	free(top);
	free(sub);
}

static void
test_qemu_img_chain_missing(void **state)
{
	struct qemu_img_chain	 c;
	char			*a, *top;

	a = make(*state, "a.qcow2", NULL);
	top = make(*state, "top.qcow2", a);
	assert_int_equal(unlink(a), 0);
	qemu_img_chain(top, "qcow2", 1, &c);
	assert_non_null(c.broken);
	assert_int_equal(c.n, 2);
	assert_true(c.v[1].missing);
	assert_false(c.v[0].missing);
	qemu_img_chain_clear(&c);
	free(a);
	free(top);
}

static void
test_qemu_img_chain_loop(void **state)
{
	struct qemu_img_chain	 c;
	char			*a, *b;

	a = make(*state, "a.qcow2", NULL);
	b = make(*state, "b.qcow2", a);
	rebase(a, b, "qcow2");
	qemu_img_chain(b, "qcow2", 1, &c);
	assert_non_null(c.broken);
	assert_non_null(strstr(c.broken, "loops"));
	assert_int_equal(c.n, 3);
	qemu_img_chain_clear(&c);
	free(a);
	free(b);
}

/* An unreadable link ends the walk with qemu-img's reason. */
static void
test_qemu_img_chain_unreadable(void **state)
{
	struct qemu_img_chain	 c;
	char			*a, *top, *cause = NULL;

	a = fs_path_join(*state, "a.qcow2");
	assert_int_equal(fs_write_atomic(a, "QFI\xfbjunk", 8, 0644, &cause),
	    0);
	top = make(*state, "top.qcow2", NULL);
	rebase(top, a, "qcow2");
	qemu_img_chain(top, "qcow2", 1, &c);
	assert_non_null(c.broken);
	assert_int_equal(c.n, 2);
	assert_false(c.v[1].missing);
	qemu_img_chain_clear(&c);
	free(a);
	free(top);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_qemu_img_info_parse),
		cmocka_unit_test_setup_teardown(test_qemu_img_info_real,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_img_chain_relative,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_img_chain_missing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_img_chain_loop,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_img_chain_unreadable,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
