# Long-lived parse checker for the R embedded in sp_execute_external_script. Run by Rscript.
#
# Base R has no JSON reader, so the protocol is tab-separated, one line each way:
#   request:  <id> TAB <the script's UTF-8 bytes as lowercase hex>
#   response: <id> TAB ok
#             <id> TAB error TAB <line> TAB <col> TAB <endCol> TAB <message's UTF-8 bytes as hex>
#             <id> TAB fail TAB <message's UTF-8 bytes as hex>          (the request was unreadable)
# line is 1-based; col and endCol are 0-based code-point columns on that line (endCol -1 when
# unknown). The caller sends LF line breaks only. The script is parsed, never evaluated.
# Expects a UTF-8 locale (the caller sets LC_ALL=C.UTF-8): R's parser reports columns in
# characters only when it knows its input is UTF-8.

options(keep.source = FALSE)

hex_to_raw <- function(hex) {
  n <- nchar(hex)
  if (n %% 2L != 0L || grepl("[^0-9a-f]", hex)) stop("the script is not hex")
  if (n == 0L) return(raw(0))
  as.raw(strtoi(substring(hex, seq.int(1L, n, 2L), seq.int(2L, n, 2L)), 16L))
}

raw_to_hex <- function(text) paste(as.character(charToRaw(enc2utf8(text))), collapse = "")

# Code points of a line, from UTF-8; invalid bytes cannot occur (the caller encodes a JS string).
code_points <- function(line) utf8ToInt(line)

# R's parser counts a tab as a jump to the next multiple of 8 and starts columns at 1; map its
# column back to a plain 0-based code-point index.
r_column_to_index <- function(line, r_col) {
  col <- 0L
  cps <- code_points(line)
  for (i in seq_along(cps)) {
    col <- col + 1L
    if (cps[[i]] == 9L) col <- bitwAnd(col + 7L, bitwNot(7L))
    if (col >= r_col) return(i - 1L)
  }
  length(cps)
}

first_non_blank <- function(line) {
  position <- regexpr("[^ \t\f]", line)
  if (position < 0L) 0L else as.integer(position) - 1L
}

# Parse-error messages come in a few shapes; turn each into (line, col, endCol, message).
locate <- function(message, script, lines) {
  line_at <- function(n) if (n >= 1L && n <= length(lines)) lines[[n]] else ""
  first <- strsplit(message, "\n", fixed = TRUE)[[1]][1]
  # "<text>:3:5: unexpected symbol": the usual parser error, column of the offending token.
  m <- regmatches(first, regexec("^<text>:([0-9]+):([0-9]+): (.*)$", first))[[1]]
  if (length(m) == 4L) {
    line <- as.integer(m[[2]])
    if (line > length(lines)) {
      # "unexpected end of input" points just past the last line.
      line <- length(lines)
      col <- length(code_points(line_at(line)))
    } else {
      col <- r_column_to_index(line_at(line), as.integer(m[[3]]))
    }
    return(list(line, col, -1L, m[[4]]))
  }
  # Newer R appends "(<input>:3:5)" to lexer errors.
  m <- regmatches(message, regexec("^(.*?) *\\(<input>:([0-9]+):([0-9]+)\\)", message, perl = TRUE))[[1]]
  if (length(m) == 4L) {
    line <- min(max(as.integer(m[[3]]), 1L), length(lines))
    return(list(line, r_column_to_index(line_at(line), as.integer(m[[4]])), -1L, m[[2]]))
  }
  # R 4.2 string-escape errors: "'\q' is an unrecognized escape in character string starting "'C:\q"".
  # No position is given, so find the quoted start of the string in the script.
  m <- regmatches(message, regexec("^(.*) in character string starting \"(.*)\"$", message))[[1]]
  if (length(m) == 3L) {
    fragment <- sub("^\\.\\.\\. ", "", m[[3]])
    at <- regexpr(fragment, script, fixed = TRUE)
    if (at > 0L) {
      before <- strsplit(paste0(substr(script, 1L, at - 1L), "\n"), "\n", fixed = TRUE)[[1]]
      line <- length(before)
      col <- length(code_points(before[[line]]))
      end_col <- if (grepl("\n", fragment, fixed = TRUE)) -1L else col + nchar(fragment)
      return(list(line, col, end_col, m[[2]]))
    }
    return(list(1L, 0L, -1L, m[[2]]))
  }
  # "... on line 3", "(line 3)", "at line 3": only the line is known, so cover its text.
  m <- regmatches(message, regexec("line ([0-9]+)", message))[[1]]
  if (length(m) == 2L) {
    line <- min(max(as.integer(m[[2]]), 1L), length(lines))
    text <- line_at(line)
    return(list(line, first_non_blank(text), length(code_points(text)), first))
  }
  list(1L, 0L, -1L, first)
}

check <- function(hex) {
  bytes <- hex_to_raw(hex)
  nul <- which(bytes == as.raw(0L))
  if (length(nul) > 0L) {
    # R strings cannot hold NUL, and neither can the runtime's copy of the script.
    prefix <- rawToChar(bytes[seq_len(nul[[1]] - 1L)])
    Encoding(prefix) <- "UTF-8"
    before <- strsplit(paste0(prefix, "\n"), "\n", fixed = TRUE)[[1]]
    return(list(length(before), length(code_points(before[[length(before)]])), -1L,
                "nul character not allowed"))
  }
  script <- rawToChar(bytes)
  Encoding(script) <- "UTF-8"
  outcome <- tryCatch(
    withCallingHandlers(
      {
        parse(text = script, keep.source = FALSE)
        NULL
      },
      warning = function(w) invokeRestart("muffleWarning")
    ),
    error = function(e) conditionMessage(e)
  )
  if (is.null(outcome)) return(NULL)
  # Keep a trailing empty line so "end of input" after a final newline has a line to sit on.
  lines <- strsplit(paste0(script, "\n"), "\n", fixed = TRUE)[[1]]
  locate(outcome, script, lines)
}

answer <- function(request) {
  tab <- regexpr("\t", request, fixed = TRUE)
  id <- if (tab > 0L) substr(request, 1L, tab - 1L) else ""
  result <- tryCatch(
    {
      if (tab < 0L || !grepl("^[0-9]+$", id)) stop("the request is not <id> TAB <hex>")
      found <- check(substr(request, tab + 1L, nchar(request)))
      if (is.null(found)) "ok" else paste("error", found[[1]], found[[2]], found[[3]], raw_to_hex(found[[4]]), sep = "\t")
    },
    error = function(e) paste("fail", raw_to_hex(conditionMessage(e)), sep = "\t")
  )
  paste(id, result, sep = "\t")
}

input <- file("stdin", open = "rb")
repeat {
  request <- readLines(input, n = 1L, warn = FALSE)
  if (length(request) == 0L) break # stdin closed: the editor or CLI is done with us
  if (!nzchar(request)) next
  cat(answer(request), "\n", sep = "")
  flush(stdout())
}
