#pragma once

namespace plainkey {

//! How a decision reads, for whoever shows it: the console colours it (gui/theme), the CLI
//! may prefix it, a report may mark it. Core names the meaning, never a colour.
enum class Tone {
    Good,    //!< all is well (a valid token, a synced passkey)
    Warning, //!< no verdict or something odd that may matter
    Bad,     //!< the answer is no (a token not valid, no passkey)
    Neutral, //!< nothing to judge (cancelled, waiting)
};

} // namespace plainkey
