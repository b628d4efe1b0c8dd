// SPDX-License-Identifier: MIT
#include "oomlab.h"
int cmd_top(struct cli *cli, int argc, char **argv)
{
	return cli_error(cli, "not implemented yet");
}
