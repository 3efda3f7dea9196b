// `leadsim keys [--markdown]`: every scenario key with its label, type, default, unit, what it
// changes and its meaning (the field table, fields.hpp), one a line (tab-separated) or as the
// README's Markdown table.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "command.hpp"
#include "leadsim/fields.hpp"

namespace leadsim::cli {

namespace {

int cmd_keys(bool markdown) {
  if (markdown)
    std::cout << "| key | label | type | default | unit | changes | meaning |\n"
                 "|---|---|---|---|---|---|---|\n";
  for (const leadsim::Field& f : leadsim::scenario_fields()) {
    if (markdown) {
      auto cell = [](std::string x) {
        for (size_t p = 0; (p = x.find('|', p)) != std::string::npos; p += 2) x.replace(p, 1, "\\|");
        return x;
      };
      std::cout << fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", f.path, cell(f.label),
                               cell(f.type()), cell(f.def), cell(f.unit),
                               leadsim::affects_text(f.affects), cell(f.meaning));
    } else {
      std::cout << fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\n", f.path, f.label, f.type(), f.def,
                               f.unit, leadsim::affects_text(f.affects), f.meaning);
    }
  }
  return 0;
}

}  // namespace

Command add_keys_command(CLI::App& parent) {
  auto markdown = std::make_shared<bool>(false);
  CLI::App* app = parent.add_subcommand("keys", "List every scenario key with its label, type, default, unit and meaning");
  app->add_flag("--markdown", *markdown, "As a Markdown table (the README's)");
  return {app, [markdown]() { return cmd_keys(*markdown); }};
}

}  // namespace leadsim::cli
