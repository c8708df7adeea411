// Required (NODE_OPTIONS) into every Node process a measured `pulumi` run starts: appends each event of
// the `kiln:work` diagnostics channel, with the process ID, to the file KILN_WORK_LOG names.
"use strict";
const { subscribe } = require("node:diagnostics_channel");
const { appendFileSync } = require("node:fs");

const log = process.env.KILN_WORK_LOG;
if (log) subscribe("kiln:work", (event) => appendFileSync(log, `${JSON.stringify({ pid: process.pid, ...event })}\n`));
