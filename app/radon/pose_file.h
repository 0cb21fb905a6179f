#pragma once

// The poses file of `radon drr-batch` (CSV or JSON, one `radon drr` pose per row), read for any
// command that takes a list of poses (radon ct geometry --poses).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "app/radon/arguments.h"
#include "app/radon/pose_options.h"

namespace radon::cli {

// One pose as read from the file: option tokens for pose_from_arguments, and where it came from.
struct PoseEntry {
    std::string label;
    std::string where;  // "poses.csv line 4", for messages
    std::vector<std::string> tokens;
};

// Reads a .csv or .json poses file (see `radon drr-batch --help`); `check_count` is called with
// the number of poses before they are parsed, where that is cheap. Throws InvalidArgument naming
// the file and the line or pose.
std::vector<PoseEntry> read_poses(const std::string& path,
                                  const std::function<void(std::size_t)>& check_count);

// The pose of one entry; --sad and --sdd of `command` fill in what the entry lacks.
PoseChoice entry_pose(const PoseEntry& entry, const Arguments& command, Vec3 default_isocenter);

}  // namespace radon::cli
