#pragma once

#include <string>
#include <vector>

namespace radon::cli {

// Each command takes its arguments after the command name and returns the exit code. User
// errors are thrown as radon::InvalidArgument and become exit code 2 in main.
int run_drr(const std::vector<std::string>& args);
int run_drr_batch(const std::vector<std::string>& args);
int run_bench(const std::vector<std::string>& args);  // bench drr; bench pet and ct go to theirs
int run_bench_pet(const std::vector<std::string>& args);
int run_info(const std::vector<std::string>& args);
int run_phantom(const std::vector<std::string>& args);
int run_series(const std::vector<std::string>& args);
int run_pet(const std::vector<std::string>& args);  // dispatches to the run_pet_* below
int run_pet_scanners(const std::vector<std::string>& args);
int run_pet_project(const std::vector<std::string>& args);
int run_pet_backproject(const std::vector<std::string>& args);
int run_pet_recon(const std::vector<std::string>& args);
int run_ct(const std::vector<std::string>& args);  // dispatches to the run_ct_* below
int run_ct_geometry(const std::vector<std::string>& args);
int run_ct_project(const std::vector<std::string>& args);
int run_ct_recon(const std::vector<std::string>& args);
int run_bench_ct(const std::vector<std::string>& args);

}  // namespace radon::cli
