//! Configuration of the Discord bot (issue 3).
