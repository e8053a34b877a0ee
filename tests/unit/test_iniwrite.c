/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for util/iniwrite: new text, and rewrites that keep edits. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/iniwrite.h"

/* A person's file: comments, odd spacing, a quoted value, a list. */
static const char edited[] =
	"# my web server\n"
	"[vm]\n"
	"name   =   web1   # not a comment: values run to the end\n"
	"; memory was 1G until March\n"
	"memory = 2G\n"
	"\n"
	"[nic net0]\n"
	"forward = tcp:2222:22\n"
	"  # http too\n"
	"forward = tcp:8080:80\n"
	"\n"
	"[disk old]\n"
	"# gone soon\n"
	"file = old.qcow2\n";

static void
items_like_source(struct iniwrite *w)
{
	iniwrite_init(w);
	iniwrite_section(w, "vm", NULL);
	iniwrite_add(w, "vm", NULL, "name",
	    "web1   # not a comment: values run to the end", 0);
	iniwrite_add(w, "vm", NULL, "memory", "2G", 0);
	iniwrite_section(w, "nic", "net0");
	iniwrite_add(w, "nic", "net0", "forward", "tcp:2222:22", 0);
	iniwrite_add(w, "nic", "net0", "forward", "tcp:8080:80", 0);
	iniwrite_section(w, "disk", "old");
	iniwrite_add(w, "disk", "old", "file", "old.qcow2", 0);
}

static void
test_iniwrite_unchanged_is_byte_exact(void **state)
{
	struct iniwrite	 w;
	char		*text;

	items_like_source(&w);
	text = iniwrite_text(&w, "# header\n", edited, strlen(edited));
	assert_string_equal(text, edited);
	free(text);
	iniwrite_clear(&w);
}

static void
test_iniwrite_changes_in_place(void **state)
{
	struct iniwrite	 w;
	char		*text;

	iniwrite_init(&w);
	iniwrite_section(&w, "vm", NULL);
	iniwrite_add(&w, "vm", NULL, "name",
	    "web1   # not a comment: values run to the end", 0);
	iniwrite_add(&w, "vm", NULL, "memory", "4G", 0);
	iniwrite_add(&w, "vm", NULL, "tpm", "yes", 0);
	iniwrite_section(&w, "nic", "net0");
	iniwrite_add(&w, "nic", "net0", "forward", "tcp:2222:22", 0);
	iniwrite_section(&w, "boot", NULL);
	iniwrite_add(&w, "boot", NULL, "iso", " spaced.iso", 0);
	text = iniwrite_text(&w, "# header\n", edited, strlen(edited));
	assert_string_equal(text,
	    "# my web server\n"
	    "[vm]\n"
	    "name   =   web1   # not a comment: values run to the end\n"
	    "; memory was 1G until March\n"
	    "memory = 4G\n"
	    "tpm = yes\n"
	    "\n"
	    "[nic net0]\n"
	    "forward = tcp:2222:22\n"
	    "  # http too\n"
	    "\n"
	    "[boot]\n"
	    "iso = \" spaced.iso\"\n");
	free(text);
	iniwrite_clear(&w);
}

static void
test_iniwrite_canonical_without_source(void **state)
{
	struct iniwrite	 w;
	char		*text;

	items_like_source(&w);
	iniwrite_section(&w, "boot", NULL);
	text = iniwrite_text(&w, "# header\n", NULL, 0);
	assert_string_equal(text,
	    "# header\n"
	    "[vm]\n"
	    "name = web1   # not a comment: values run to the end\n"
	    "memory = 2G\n"
	    "\n"
	    "[nic net0]\n"
	    "forward = tcp:2222:22\n"
	    "forward = tcp:8080:80\n"
	    "\n"
	    "[disk old]\n"
	    "file = old.qcow2\n");
	free(text);
	iniwrite_clear(&w);
}

/* A new section whose default (weak) key is left out comes once. */
static void
test_iniwrite_new_section_with_weak_key_once(void **state)
{
	struct iniwrite	 w;
	char		*text;

	(void)state;
	items_like_source(&w);
	iniwrite_section(&w, "nic", "net2");
	iniwrite_add(&w, "nic", "net2", "model", "virtio", 1);
	iniwrite_add(&w, "nic", "net2", "net", "private:lab", 0);
	text = iniwrite_text(&w, "# header\n", edited, strlen(edited));
	/* Written with its default key, as a new section is (once). */
	assert_non_null(strstr(text, "[nic net2]\nmodel = virtio\n"
	    "net = private:lab\n"));
	assert_null(strstr(strstr(text, "[nic net2]") + 1, "[nic net2]"));
	free(text);
	iniwrite_clear(&w);
}

/* A source that does not parse is replaced by the canonical text. */
static void
test_iniwrite_broken_source(void **state)
{
	struct iniwrite	 w;
	char		*text;
	const char	 bad[] = "[vm\nname = x\n";

	iniwrite_init(&w);
	iniwrite_add(&w, "vm", NULL, "name", "x", 0);
	text = iniwrite_text(&w, NULL, bad, strlen(bad));
	assert_string_equal(text, "[vm]\nname = x\n");
	free(text);
	iniwrite_clear(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iniwrite_unchanged_is_byte_exact),
		cmocka_unit_test(test_iniwrite_changes_in_place),
		cmocka_unit_test(test_iniwrite_canonical_without_source),
		cmocka_unit_test(test_iniwrite_broken_source),
		cmocka_unit_test(test_iniwrite_new_section_with_weak_key_once),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
