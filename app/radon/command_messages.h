#pragma once

#include <string>

namespace radon::cli {

// The lines a command writes to stderr besides its output, each starting with the command that
// wrote it ("radon drr: warning: ..."), so that a script running several commands can tell whose
// line it reads. One place for the format: every error, warning and note goes through here.
// Text is made single-line first: it quotes file names and library messages.

// "radon COMMAND: error: TEXT": the one line of a command that failed.
void print_error(const std::string& command, const std::string& text);
// "radon COMMAND: warning: TEXT": a problem that did not stop the command (files of a DICOM
// folder left out, a detector that cuts through the volume).
void print_warning(const std::string& command, const std::string& text);
// "radon COMMAND: TEXT": a fact the user should know (the CPU rendering in place of CUDA).
void print_note(const std::string& command, const std::string& text);

}  // namespace radon::cli
