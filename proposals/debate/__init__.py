"""The live debate of a proposal: threaded comments with stance, reactions, flags, moderation, live push."""
