// section.hpp: the sections of a party's selectorate, who vote in the final ballot.
#pragma once

#include <cstdint>

namespace leadsim {

// Members, registered supporters and affiliated supporters are people in the population; the
// MP section (MPs and MEPs, voting as their own section of an electoral college) is the
// parliamentary party (parliament.hpp). Under one member one vote the MP section is empty: MPs
// vote as the members they are.
enum class Section : std::uint8_t { member = 0, registered = 1, affiliated = 2, mp = 3 };
inline constexpr int kSections = 4;
const char* section_id(Section s);  // "member", "registered", "affiliated", "mp"

}  // namespace leadsim
