-- How the organization writes numbers in the files it imports: the decimal separator
-- ('.' as in 1,234.56, or ',' as in 1.234,56). The other of the two groups thousands.
ALTER TABLE company_profile
    ADD COLUMN decimal_separator text NOT NULL DEFAULT '.' CHECK (decimal_separator IN ('.', ','));
