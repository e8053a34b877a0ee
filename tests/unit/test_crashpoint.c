/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for util/crashpoint: death right after the Nth step. */
#include "config.h"

#include <sys/wait.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/crashpoint.h"
#include "util/fsutil.h"

/* Run three steps a, b, c in a child with VMDESK_CRASH_AFTER=after. */
static int
test_crashpoint_run(const char *after, const char *log)
{
	pid_t	pid;
	int	status;

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		if (after != NULL)
			setenv("VMDESK_CRASH_AFTER", after, 1);
		setenv("VMDESK_CRASH_LOG", log, 1);
		crashpoint("a");
		crashpoint("b");
		crashpoint("c");
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return (status);
}

static void
test_crashpoint_kills_after_nth(void **state)
{
	char	 log[] = "/tmp/vmdesk-crashpoint.XXXXXX", *text, *cause = NULL;
	int	 fd, status;

	(void)state;
	assert_true((fd = mkstemp(log)) != -1);
	close(fd);
	status = test_crashpoint_run("2", log);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	text = fs_read_file(log, NULL, &cause);
	assert_non_null(text);
	assert_string_equal(text, "2 b\n");
	free(text);
	unlink(log);
}

static void
test_crashpoint_off(void **state)
{
	char	 log[] = "/tmp/vmdesk-crashpoint.XXXXXX";
	int	 fd, status;

	(void)state;
	assert_true((fd = mkstemp(log)) != -1);
	close(fd);
	/* Unset, past the last step, or not a number: no crash. */
	status = test_crashpoint_run(NULL, log);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	status = test_crashpoint_run("4", log);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	status = test_crashpoint_run("2x", log);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	status = test_crashpoint_run("0", log);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(fs_file_size(log), 0);
	unlink(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crashpoint_kills_after_nth),
		cmocka_unit_test(test_crashpoint_off),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
