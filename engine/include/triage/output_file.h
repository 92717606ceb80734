// Writing a command's output to a file named by the user (--output, --junit, skeletons, pages,
// the call-log export): one mechanism for every command.
//
// A regular file, or a name that does not exist yet, is replaced atomically: the data goes to a
// temporary file in the same folder (mode `mode`), is fsynced and renamed over the name, so a
// reader never sees half of it and a failed write leaves the old file as it was. Anything else
// that exists (a device such as /dev/null or /dev/stdout, a FIFO, a terminal) is written
// straight: renaming over it would replace the device with a regular file. A directory is
// refused. Errors are "io": "cannot create PATH: why", "cannot write PATH: why",
// "PATH is a folder".
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "triage/status.h"

namespace triage {

Status write_output_file(const std::string& path, std::string_view data, unsigned mode = 0644);

// The streaming form: `fill` writes into the open file; its error status is returned as is.
Status write_output_stream(const std::string& path, unsigned mode, const std::function<Status(std::FILE*)>& fill);

}  // namespace triage
