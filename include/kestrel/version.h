/* The system's name and release, shown in the boot banner. */
#pragma once

#define KESTREL_NAME    "Kestrel"
#define KESTREL_VERSION "0.1.0"
