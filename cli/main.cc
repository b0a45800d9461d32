#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "app.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  return sched::cli::run(args, {std::cout, std::cerr, [] {
                                  return std::chrono::time_point_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now());
                                }});
}
