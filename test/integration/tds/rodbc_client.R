# RODBC's catalog functions, sqlTables() and sqlColumns(), against the instance's TDS endpoint
# through FreeTDS's ODBC driver (Debian's r-cran-rodbc and tdsodbc), for catalog-clients.test.ts.
# Settings arrive on standard input, one a line: port, login, password, a table name pattern for
# sqlTables(), a table for sqlColumns(). Each data frame is printed tab-separated after a line
# naming it.
library(RODBC)
settings <- readLines(file("stdin"))
names(settings) <- c("port", "login", "password", "tables", "columns")
ch <- odbcDriverConnect(sprintf(
  "DRIVER={FreeTDS};SERVER=127.0.0.1;PORT=%s;DATABASE=master;TDS_Version=7.4;ClientCharset=UTF-8;Encryption=off;UID=%s;PWD=%s",
  settings[["port"]], settings[["login"]], settings[["password"]]
))
if (!inherits(ch, "RODBC")) stop("no connection")
show <- function(label, frame) {
  cat("==", label, "\n")
  write.table(frame, sep = "\t", quote = FALSE, row.names = FALSE, na = "NA")
}
show("tables", sqlTables(ch, tableName = settings[["tables"]]))
show("columns", sqlColumns(ch, settings[["columns"]]))
odbcClose(ch)
