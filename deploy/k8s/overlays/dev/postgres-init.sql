-- Development only: one role and one database per service, closed to the others.
-- The passwords match the dev overlay's Secrets (kustomization.yaml).
CREATE ROLE customer LOGIN PASSWORD 'dev-customer';
CREATE DATABASE customer OWNER customer;
REVOKE ALL ON DATABASE customer FROM PUBLIC;
CREATE ROLE staffing LOGIN PASSWORD 'dev-staffing';
CREATE DATABASE staffing OWNER staffing;
REVOKE ALL ON DATABASE staffing FROM PUBLIC;
CREATE ROLE appraisal LOGIN PASSWORD 'dev-appraisal';
CREATE DATABASE appraisal OWNER appraisal;
REVOKE ALL ON DATABASE appraisal FROM PUBLIC;
CREATE ROLE audit LOGIN PASSWORD 'dev-audit';
CREATE DATABASE audit OWNER audit;
REVOKE ALL ON DATABASE audit FROM PUBLIC;
