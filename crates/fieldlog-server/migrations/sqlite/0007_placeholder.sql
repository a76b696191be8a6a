-- Placeholder for migration 0007 (issue 17's office accounts, written at the same time on
-- another branch): empty here so that 0008 applies after it. The merge replaces this file.
SELECT 1;
