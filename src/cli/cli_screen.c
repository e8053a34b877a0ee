/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk view and vmdesk screenshot: a VM's screen. */
#include "config.h"

#include "cli/cli_screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backend/screenshot.h"
#include "backend/vmproc.h"
#include "cli/cli_vm.h"
#include "core/vmdef.h"
#include "util/xmalloc.h"

/*
 * A running VM with a screen: its paths in *p (caller clears), or an
 * error printed.
 */
static int
cli_screen_vm(struct cli *cli, const char *name, struct vm_paths *p)
{
	struct vm_status	 st;
	struct vm_def		*def;
	char			*cause = NULL;
	int			 headless;

	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (!library_exists(cli->lib, name)) {
		cli_error("no VM named '%s' (vmdesk list shows them)", name);
		return (CLI_FAIL);
	}
	if ((def = library_load(cli->lib, name, &cause)) == NULL)
		return (cli_fail_vm(name, cause));
	headless = def->display == VM_DISPLAY_NONE ||
	    def->machine == VM_MACHINE_MICROVM;
	vmdef_free(def);
	if (headless) {
		cli_error("VM %s has no display (display = none, or a "
		    "microvm): vmdesk "
		    "console %s shows its serial console", name, name);
		return (CLI_FAIL);
	}
	if (cli_paths(cli, name, p) != CLI_OK)
		return (CLI_FAIL);
	vmproc_status(p, 0, &st);
	if (!vmstate_is_alive(st.state)) {
		cli_error("VM %s is %s: vmdesk start %s", name,
		    vmstate_name(st.state), name);
		vm_status_clear(&st);
		vm_paths_clear(p);
		return (CLI_FAIL);
	}
	vm_status_clear(&st);
	return (CLI_OK);
}

int
cli_view(struct cli *cli, int argc, char **argv)
{
	struct vm_paths	p;

	if (argc != 2 || argv[1][0] == '-')
		return (cli_usage("view"));
	if (cli_screen_vm(cli, argv[1], &p) != CLI_OK)
		return (CLI_FAIL);
	vm_paths_clear(&p);
	return (cli_desktop_view(cli, argv[1]));
}

int
cli_screenshot(struct cli *cli, int argc, char **argv)
{
	struct vm_paths	 p;
	struct qmp	*mon;
	const char	*file;
	char		*cause = NULL;
	size_t		 len;
	int		 rc = CLI_OK;

	if (argc != 3 || argv[1][0] == '-')
		return (cli_usage("screenshot"));
	file = argv[2];
	len = strlen(file);
	if (len < 5 || strcasecmp(file + len - 4, ".png") != 0) {
		cli_error("%s: the file must end in .png", file);
		return (CLI_FAIL);
	}
	if (cli_screen_vm(cli, argv[1], &p) != CLI_OK)
		return (CLI_FAIL);
	if ((mon = vmproc_monitor(&p, VMPROC_QMP_TIMEOUT, &cause)) == NULL)
		rc = cli_fail_vm(argv[1], cause);
	else if (screenshot_save(mon, file, VMPROC_QMP_TIMEOUT, &cause) != 0)
		rc = cli_fail_vm(argv[1], cause);
	else
		printf("Saved %s's screen to %s\n", argv[1], file);
	if (mon != NULL)
		qmp_close(mon);
	vm_paths_clear(&p);
	return (rc);
}
