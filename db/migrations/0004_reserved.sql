-- Reserved for another branch's migration 0004; this empty file only keeps
-- the numbers contiguous on this branch and is dropped when they merge.
SELECT 1;
