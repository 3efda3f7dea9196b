// `leadsim keys [--markdown]`: every scenario key with its type, default, unit and meaning, one a
// line (tab-separated) or as the README's Markdown table.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "command.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim::cli {

namespace {

int cmd_keys(bool markdown) {
  if (markdown) std::cout << "| key | type | default | unit | meaning |\n|---|---|---|---|---|\n";
  for (const auto& k : leadsim::scenario_keys()) {
    if (markdown) {
      auto cell = [](std::string x) {
        for (size_t p = 0; (p = x.find('|', p)) != std::string::npos; p += 2) x.replace(p, 1, "\\|");
        return x;
      };
      std::cout << fmt::format("| `{}` | {} | {} | {} | {} |\n", k.path, cell(k.type), cell(k.def),
                               cell(k.unit), cell(k.meaning));
    } else {
      std::cout << fmt::format("{}\t{}\t{}\t{}\t{}\n", k.path, k.type, k.def, k.unit, k.meaning);
    }
  }
  return 0;
}

}  // namespace

Command add_keys_command(CLI::App& parent) {
  auto markdown = std::make_shared<bool>(false);
  CLI::App* app = parent.add_subcommand("keys", "List every scenario key with its type, default, unit and meaning");
  app->add_flag("--markdown", *markdown, "As a Markdown table (the README's)");
  return {app, [markdown]() { return cmd_keys(*markdown); }};
}

}  // namespace leadsim::cli
