# The sqlml R satellite: runs one sp_execute_external_script session with base R only.
#
# The launcher starts this file inside the session folder (the working directory) with
# `Rscript --vanilla runner.R`, after writing there:
#   request.txt     key=value lines: input_name, output_name, output_params, one `run=<chunks>` per run
#   script.R        the user's script, parsed with its own source references, so every line
#                   number reported is a line of the user's script
#   params.bin      one row, a column per @params value (the exchange format, see format.ts)
#   input-<k>.bin   the input rows, one file per chunk, numbered across runs from 1
# It writes result.bin: a status dataset, the output data set, the OUTPUT parameters.
# Everything the script prints goes to stdout/stderr, which the launcher streams as messages.

# CREATE EXTERNAL LIBRARY packages the caller sees in its database, bound read-only by the
# launcher and searched before the system's (public libraries first, then the caller's own).
local({
  libraries <- Filter(nzchar, strsplit(Sys.getenv("SQLML_LIBRARY_PATHS"), ":", fixed = TRUE)[[1]])
  if (length(libraries) > 0) .libPaths(c(libraries, .libPaths()))
})

local({
  # A cold start runs the runner's own functions as R reads them: the JIT compiling each one on
  # its first call cost a no-op session about 60 ms of its 470, and they call C for the work. The
  # user's script runs with the JIT level R had (run_expr). A warm satellite compiles the runner's
  # functions while it waits (below) and leaves the JIT as it is.
  JIT <- if (file.exists("request.txt")) compiler::enableJIT(0)
  F8 <- 1; I4 <- 2; I8 <- 3; B1 <- 4; STR <- 5; DT <- 6; BIN <- 7
  STR_CODED <- 8 # text sent as codes into its distinct values (format.ts), a layout of STR
  SCRIPT <- "script.R"
  MAGIC <- charToRaw("SQLMLX01")

  failure <- function(state, message, line = NA_real_) {
    structure(class = c("sqlml_failure", "condition"), list(state = state, message = message, line = line, call = NULL))
  }
  fail <- function(...) stop(failure(...))

  # ------------------------------------------------------------ reading the exchange format

  read_request <- function() {
    lines <- readLines("request.txt", encoding = "UTF-8", warn = FALSE)
    key <- sub("=.*$", "", lines)
    value <- sub("^[^=]*=", "", lines)
    one <- function(k) value[key == k][1]
    list(
      runs = as.integer(value[key == "run"]),
      input_name = one("input_name"),
      output_name = one("output_name"),
      output_params = strsplit(one("output_params"), ",", fixed = TRUE)[[1]]
    )
  }

  read_num <- function(con, n) readBin(con, "double", n, size = 8L, endian = "little")

  read_text <- function(con, n) {
    if (n == 0) return("")
    x <- rawToChar(readBin(con, "raw", n))
    Encoding(x) <- "UTF-8"
    x
  }

  open_exchange <- function(path) {
    con <- file(path, "rb")
    if (!identical(readBin(con, "raw", length(MAGIC)), MAGIC)) {
      close(con)
      fail("satellite-error", sprintf("%s is not an exchange file", path))
    }
    con
  }

  # The distinct values of every text column read coded: an output column of the same values
  # goes back coded with them (recode), without unique().
  coded_inputs <- list()

  # A column as R holds it, following the SQL -> R map of mlservices-facts.md section 1.5.
  read_values <- function(con, kind, rows) {
    switch(as.character(kind),
      "1" = read_num(con, rows),
      "2" = readBin(con, "integer", rows, size = 4L, endian = "little"),
      "4" = readBin(con, "raw", rows) != as.raw(0),
      "5" = {
        x <- if (rows > 0) readBin(con, "character", rows) else character(0)
        Encoding(x) <- "UTF-8"
        x
      },
      "8" = {
        count <- readBin(con, "integer", 1L, size = 4L, endian = "little")
        codes <- readBin(con, "integer", rows, size = 4L, endian = "little")
        distinct <- if (count > 0) readBin(con, "character", count) else character(0)
        Encoding(distinct) <- "UTF-8"
        coded_inputs[[length(coded_inputs) + 1L]] <<- distinct
        # A NULL row's code is -1: it takes the NA added at the end.
        codes[codes < 0L] <- count
        c(distinct, NA_character_)[codes + 1L]
      },
      "6" = as.POSIXct(read_num(con, rows) / 1000, origin = "1970-01-01", tz = "GMT"),
      "7" = {
        lengths <- readBin(con, "integer", rows, size = 4L, endian = "little")
        lapply(lengths, function(n) readBin(con, "raw", n))
      },
      fail("satellite-error", sprintf("unknown column kind %s", kind))
    )
  }

  # The zero bytes that follow a column's description and its data up to a multiple of 8 (format.ts).
  padding <- function(n) (8 - n %% 8) %% 8
  skip_padding <- function(con, n) if (padding(n) > 0) readBin(con, "raw", padding(n))

  read_dataset <- function(con) {
    head <- read_num(con, 2L)
    rows <- head[1]
    n <- head[2]
    columns <- vector("list", n)
    names <- character(n)
    kinds <- numeric(n)
    types <- character(n)
    for (j in seq_len(n)) {
      h <- read_num(con, 5L)
      names[j] <- read_text(con, h[3])
      types[j] <- read_text(con, h[4])
      nulls <- if (h[2] == 1) readBin(con, "raw", rows) != as.raw(0) else NULL
      skip_padding(con, h[3] + h[4] + if (h[2] == 1) rows else 0)
      values <- read_values(con, h[1], rows)
      skip_padding(con, h[5])
      if (!is.null(nulls) && any(nulls)) {
        if (is.list(values)) values[nulls] <- list(NULL) else values[nulls] <- NA
      }
      columns[[j]] <- values
      kinds[j] <- if (h[1] == STR_CODED) STR else h[1]
    }
    list(rows = rows, columns = columns, names = names, kinds = kinds, types = types)
  }

  read_frame <- function(path) {
    con <- open_exchange(path)
    on.exit(close(con))
    ds <- read_dataset(con)
    # Built directly rather than with data.frame(), which would rename duplicate or odd names.
    frame <- ds$columns
    names(frame) <- ds$names
    attr(frame, "row.names") <- .set_row_names(as.integer(ds$rows))
    class(frame) <- "data.frame"
    frame
  }

  read_params <- function() {
    con <- open_exchange("params.bin")
    on.exit(close(con))
    ds <- read_dataset(con)
    values <- lapply(ds$columns, function(v) if (is.list(v)) v[[1]] else v[1])
    names(values) <- ds$names
    list(values = values, kinds = setNames(ds$kinds, ds$names), types = setNames(ds$types, ds$names))
  }

  # ------------------------------------------------------------ writing the exchange format

  column <- function(name, type, kind, nulls, values) list(name = name, type = type, kind = kind, nulls = nulls, values = values)

  # An output column as (name, SQL type, kind, NULL positions, values): the R -> SQL map.
  output_column <- function(name, x, output_name) {
    if (is.factor(x)) x <- as.character(x)
    if (inherits(x, "POSIXct")) return(column(name, "datetime", DT, is.na(x), as.numeric(x) * 1000))
    if (inherits(x, "Date")) return(column(name, "datetime", DT, is.na(x), as.numeric(x) * 86400000))
    if (is.logical(x)) return(column(name, "bit", B1, is.na(x), x))
    if (is.integer(x)) return(column(name, "int", I4, is.na(x), x))
    # SQL has no NaN or infinity: R's non-finite numbers come back as NULL, as SQL Server does.
    # A finite sum means every value is finite (NA, NaN and infinities carry into it): the mask
    # is made only for a column that may hold one (or whose sum overflowed), a million-row
    # !is.finite() costing about 20 ms a column.
    if (is.double(x)) return(column(name, "float", F8, if (is.finite(sum(x))) logical(0) else !is.finite(x), x))
    if (is.character(x)) return(column(name, "varchar(max)", STR, is.na(x), x))
    if (is.list(x) && all(vapply(x, function(v) is.null(v) || is.raw(v), TRUE))) {
      return(column(name, "varbinary(max)", BIN, vapply(x, is.null, TRUE), x))
    }
    fail("output-error", sprintf("Column '%s' of %s has class '%s', which has no SQL type.", name, output_name, class(x)[1]))
  }

  # A long text column whose evenly spread sample of SAMPLED_ROWS values is nine tenths distinct
  # goes plain without unique(): for a million distinct strings that costs about 110 ms, only to
  # find the column cannot be coded. A misjudged column is merely sent plain.
  SAMPLED_ROWS <- 4096L
  mostly_distinct <- function(x, nulls) {
    n <- length(x)
    if (n < 8L * SAMPLED_ROWS) return(FALSE)
    at <- seq.int(1L, n, by = n %/% SAMPLED_ROWS)
    sample <- x[at][!nulls[at]]
    length(sample) > 0 && length(unique(sample)) * 10 > length(sample) * 9
  }

  # Codes (from 0, NA for NA) into the first coded input's distinct values that hold every value of
  # x, or NULL. unique() of a million labels costs about 40 ms; match() into a known table about 7.
  recode <- function(x, nulls) {
    sample <- x[seq.int(1L, length(x), by = max(1L, length(x) %/% 16L))]
    for (distinct in coded_inputs) {
      # Coded only while the distinct values are at most half the rows, as after unique().
      if (2 * length(distinct) > length(x) || anyNA(match(sample[!is.na(sample)], distinct))) next
      codes <- match(x, distinct)
      if (sum(is.na(codes)) == sum(nulls)) return(list(codes = codes, distinct = distinct))
    }
    NULL
  }

  write_column <- function(con, col, rows) {
    x <- col$values
    nulls <- col$nulls
    kind <- col$kind
    # Assigning into a column copies it (it is the data frame's too): only when there are NULLs.
    has_nulls <- any(nulls)
    distinct <- NULL
    recoded <- if (kind == STR && rows > 0 && length(coded_inputs) > 0) recode(x, nulls) else NULL
    if (!is.null(recoded)) {
      kind <- STR_CODED
      distinct <- recoded$distinct
      x <- recoded$codes - 1L
      if (has_nulls) x[nulls] <- -1L
      bytes <- 4 + 4 * rows + sum(nchar(distinct, type = "bytes")) + length(distinct)
    } else if (kind == STR) {
      if (has_nulls) x[nulls] <- ""
      x <- enc2utf8(x)
      distinct <- if (mostly_distinct(x, nulls)) character(0) else unique(if (has_nulls) x[!nulls] else x)
      if (length(distinct) > 0 && 2 * length(distinct) <= rows) {
        # Labels and categories go coded (format.ts): codes into the distinct values, -1 for NULL.
        kind <- STR_CODED
        x <- match(x, distinct) - 1L
        if (has_nulls) x[nulls] <- -1L
        bytes <- 4 + 4 * rows + sum(nchar(distinct, type = "bytes")) + length(distinct)
      } else bytes <- sum(nchar(x, type = "bytes")) + rows
    } else if (kind == BIN) {
      if (has_nulls) x[nulls] <- list(raw(0))
      bytes <- 4 * rows + sum(lengths(x))
    } else {
      if (kind == B1) x <- as.raw(!is.na(x) & x) else if (has_nulls) x[nulls] <- 0
      bytes <- rows * c(8, 4, 8, 1, 0, 8, 0)[kind]
    }
    name <- charToRaw(enc2utf8(col$name))
    type <- charToRaw(col$type)
    writeBin(as.double(c(kind, has_nulls, length(name), length(type), bytes)), con, size = 8L, endian = "little")
    writeBin(name, con)
    writeBin(type, con)
    if (has_nulls) writeBin(as.raw(nulls), con)
    write_padding(con, length(name) + length(type) + if (has_nulls) rows else 0)
    if (kind == F8 || kind == DT) writeBin(as.double(x), con, size = 8L, endian = "little")
    else if (kind == I4) writeBin(as.integer(x), con, size = 4L, endian = "little")
    else if (kind == B1) writeBin(x, con)
    else if (kind == STR) writeBin(x, con, useBytes = TRUE)
    else if (kind == STR_CODED) {
      writeBin(length(distinct), con, size = 4L, endian = "little")
      writeBin(x, con, size = 4L, endian = "little")
      writeBin(distinct, con, useBytes = TRUE)
    } else {
      writeBin(as.integer(lengths(x)), con, size = 4L, endian = "little")
      for (v in x) writeBin(v, con)
    }
    write_padding(con, bytes)
  }

  write_padding <- function(con, n) if (padding(n) > 0) writeBin(raw(padding(n)), con)

  write_dataset <- function(con, columns, rows) {
    writeBin(as.double(c(rows, length(columns))), con, size = 8L, endian = "little")
    for (col in columns) write_column(con, col, rows)
  }

  output_param <- function(name, kind, type, v) {
    what <- sprintf("The OUTPUT parameter @%s (%s)", name, type)
    if (kind == BIN) {
      if (!is.null(v) && !is.raw(v)) fail("output-error", sprintf("%s needs a raw vector, but the script set it to a %s.", what, class(v)[1]))
      return(column(name, type, BIN, is.null(v), list(v)))
    }
    if (is.null(v) || (length(v) == 1 && is.na(v))) return(column(name, type, kind, TRUE, if (kind == STR) NA_character_ else NA))
    if (length(v) != 1) fail("output-error", sprintf("%s must be a single value, but the script set it to %d values.", what, length(v)))
    converted <- suppressWarnings(switch(as.character(kind),
      "1" = as.numeric(v),
      "2" = as.integer(v),
      "4" = as.logical(v),
      "5" = as.character(v),
      "6" = as.numeric(as.POSIXct(v, tz = "GMT")) * 1000
    ))
    if (is.null(converted) || is.na(converted)) {
      fail("output-error", sprintf("%s cannot hold the value the script set (a %s).", what, class(v)[1]))
    }
    column(name, type, kind, FALSE, converted)
  }

  write_result <- function(status, output, params) {
    if (file.exists("result.bin") || nzchar(Sys.readlink("result.bin"))) unlink("result.bin")
    con <- file("result.bin", "wb")
    on.exit(close(con))
    writeBin(MAGIC, con)
    write_dataset(con, list(
      column("state", "varchar(20)", STR, FALSE, status$state),
      column("message", "nvarchar(max)", STR, FALSE, status$message),
      column("line", "int", F8, is.na(status$line), as.double(status$line))
    ), 1)
    if (is.null(output)) write_dataset(con, list(), 0) else write_dataset(con, output$columns, output$rows)
    write_dataset(con, params, 1)
  }

  # ------------------------------------------------------------ the loopback to the instance

  # Base R has no Unix sockets, so the query goes through a few lines of Debian's Python (present
  # in every sandbox), which inherits this process's loopback descriptor (SQLML_LOOPBACK_FD), sends
  # one query frame and reads the answer frame (see runner.py), and answers R in CSV: a first line
  # with the SQL types, then a header and the rows, NULL as an unquoted NA, strings quoted.
  LOOPBACK_RELAY <- paste(
    "import csv, json, os, struct, sys",
    "fd = os.environ.get('SQLML_LOOPBACK_FD', '')",
    "if not fd.isdigit(): sys.exit('sqlml_query: this session has no loopback channel to the instance.')",
    "fd = int(fd); os.set_blocking(fd, True)",
    "if os.environ.get('SQLML_LOOPBACK_SOCKET'):",
    "    import socket",
    "    relayed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
    "    relayed.connect('\\0' + os.environ['SQLML_LOOPBACK_SOCKET'])",
    "    fd = relayed.fileno()",
    "def exactly(n):",
    "    parts = []",
    "    while n > 0:",
    "        part = os.read(fd, min(n, 1 << 20))",
    "        if not part: sys.exit('sqlml_query: the instance closed the loopback channel.')",
    "        parts.append(part); n -= len(part)",
    "    return b''.join(parts)",
    "body = json.dumps({'query': sys.stdin.read()}).encode()",
    "frame = struct.pack('>IB', len(body), 0x51) + body",
    "while frame: frame = frame[os.write(fd, frame):]",
    "length, kind = struct.unpack('>IB', exactly(5))",
    "a = json.loads(exactly(length).decode())",
    "if 'error' in a: e = a['error']; sys.exit('Msg %d, Level %d, State %d: %s' % (e['number'], e['severity'], e['state'], e['text']))",
    "def cell(v):",
    "    if v is None: return 'NA'",
    "    if v is True or v is False: return 'TRUE' if v else 'FALSE'",
    "    if isinstance(v, (int, float)): return repr(v)",
    "    return '\"' + str(v).replace('\"', '\"\"') + '\"'",
    "out = sys.stdout",
    "out.write('#types:' + ';'.join(c['type'] for c in a['columns']) + '\\n')",
    "out.write(','.join(cell(c['name']) for c in a['columns']) + '\\n')",
    "for r in a['rows']: out.write(','.join(cell(v) for v in r) + '\\n')",
    sep = "\n")

  r_class <- function(type) {
    base <- sub("\\(.*$", "", tolower(type))
    if (base %in% c("int", "smallint", "tinyint")) "integer"
    else if (base %in% c("bigint", "float", "real", "decimal", "numeric", "money", "smallmoney")) "numeric"
    else if (base == "bit") "logical"
    else "character"
  }

  # Runs `query` on the instance as the caller of sp_execute_external_script and returns the first
  # result set as a data.frame (the trusted loopback: it needs a login for the worker group).
  sqlml_query <- function(query) {
    python <- if (file.exists("/usr/bin/python3")) "/usr/bin/python3" else Sys.which("python3")
    # The query goes in through a file, byte for byte (system2's input= would add a newline).
    request <- tempfile("sqlml-query-")
    on.exit(unlink(request))
    writeBin(charToRaw(enc2utf8(as.character(query))), request)
    out <- suppressWarnings(system2(python, c("-I", "-c", shQuote(LOOPBACK_RELAY)), stdin = request, stdout = TRUE, stderr = TRUE))
    status <- attr(out, "status")
    if (!is.null(status) && status != 0) stop(paste(out, collapse = "\n"), call. = FALSE)
    types <- strsplit(sub("^#types:", "", out[1]), ";", fixed = TRUE)[[1]]
    classes <- vapply(types, r_class, "")
    utils::read.csv(text = paste(out[-1], collapse = "\n"), colClasses = unname(classes), check.names = FALSE,
                    stringsAsFactors = FALSE, na.strings = "NA", encoding = "UTF-8")
  }
  assign("sqlml_query", sqlml_query, envir = globalenv())

  # ------------------------------------------------------------ running the user's script

  run_expr <- function(expr, env) {
    if (!is.null(JIT)) {
      compiler::enableJIT(JIT)
      on.exit(compiler::enableJIT(0))
    }
    eval(expr, env)
  }

  script_line <- function(call) {
    ref <- attr(call, "srcref")
    if (is.null(ref) || !identical(attr(ref, "srcfile")$filename, SCRIPT)) NA_integer_ else ref[[1L]]
  }

  # Where the error happened, in the user's lines. Each frame's srcref is the place its call was
  # made; the handler's own frame carries the place the error was raised, when that is script code.
  locate <- function(calls, functions) {
    n <- length(calls)
    start <- max(which(vapply(functions, identical, TRUE, run_expr))) + 1L
    while (start <= n && identical(calls[[start]], quote(eval(expr, env)))) start <- start + 1L
    frames <- if (start <= n) seq.int(start, n) else integer(0)
    lines <- vapply(calls[frames], script_line, 1L)
    internal <- vapply(frames, function(k) identical(functions[[k]], .handleSimpleError) || k == n, TRUE)
    list(calls = calls[frames[!internal]], sites = lines[!internal], lines = lines)
  }

  # Microsoft's proprietary packages of SQL Server Machine Learning Services are not here; a script
  # that loads one (library(), require(), pkg::fn) learns which it is and what does the same job.
  PROPRIETARY <- c(
    RevoScaleR = paste("use base R's lm() and glm() (or e1071, rpart) for the models, and @input_data_1 or",
                       "sqlml_query() to read data in place of RxSqlServerData / rxImport"),
    MicrosoftML = "use e1071, rpart or glm() for the learners"
  )

  condition_text <- function(e) {
    text <- conditionMessage(e)
    package <- if (inherits(e, "packageNotFoundError")) e$package else NULL
    advice <- if (length(package) == 1 && package %in% names(PROPRIETARY)) PROPRIETARY[[package]] else NULL
    if (is.null(advice)) return(text)
    sprintf("%s: %s is one of Microsoft's proprietary packages of SQL Server Machine Learning Services, which this instance does not have; %s.",
            text, package, advice)
  }

  describe_error <- function(e, where, top_line) {
    call <- conditionCall(e)
    ours <- is.null(call) || identical(call, quote(eval(expr, env)))
    text <- paste0(if (ours) "Error: " else sprintf("Error in %s : ", deparse(call, nlines = 1L)[1]), condition_text(e))
    line <- top_line
    if (!is.null(where)) {
      known <- where$lines[!is.na(where$lines)]
      if (length(known) > 0) line <- known[length(known)]
      if (length(where$calls) > 0) {
        names <- vapply(where$calls, function(cl) deparse(cl[[1L]], nlines = 1L)[1], "")
        sites <- c(top_line, where$sites[-1])
        calls <- vapply(where$calls, function(cl) deparse(cl, nlines = 1L)[1], "")
        text <- c(text, paste("Calls:", paste(names, collapse = " -> ")), sprintf("  at %s#%s: %s", SCRIPT, ifelse(is.na(sites), "?", sites), calls))
      }
    }
    list(text = paste(c(text, sprintf("  error at %s#%d", SCRIPT, line)), collapse = "\n"), line = line)
  }

  run_script <- function(exprs, env) {
    # A script may setwd() (to save a plot): the session's files are relative to the session
    # folder, so the runner goes back to it when the script ends, however it ends.
    home <- getwd()
    on.exit(setwd(home), add = TRUE)
    starts <- vapply(attr(exprs, "srcref"), function(ref) ref[[1L]], 1L)
    for (i in seq_along(exprs)) {
      where <- NULL
      outcome <- tryCatch(
        withCallingHandlers({
          run_expr(exprs[[i]], env)
          NULL
        }, error = function(e) {
          n <- sys.nframe()
          where <<- locate(sys.calls(), lapply(seq_len(n), sys.function))
        }),
        error = function(e) e
      )
      if (!is.null(outcome)) {
        d <- describe_error(outcome, where, starts[i])
        fail("script-error", d$text, d$line)
      }
    }
  }

  output_frame <- function(env, output_name) {
    out <- get0(output_name, envir = env, inherits = FALSE)
    if (is.null(out)) return(NULL)
    if (!is.data.frame(out)) fail("output-error", sprintf("%s must be a data.frame, but the script set it to a %s.", output_name, class(out)[1]))
    if (ncol(out) == 0) NULL else collapse_raw(out, output_name)
  }

  # SQL Server returns a raw column of the output data frame as one varbinary(max) value, the whole
  # vector: data.frame(payload = as.raw(serialize(model, NULL))) is one serialized model, one row
  # (its tutorials store models so). The frame's other columns must then hold one value each.
  collapse_raw <- function(frame, output_name) {
    raw_columns <- vapply(frame, is.raw, TRUE)
    if (!any(raw_columns)) return(frame)
    for (j in which(!raw_columns)) {
      x <- frame[[j]]
      if (length(unique(x)) > 1) {
        fail("output-error", sprintf("%s has a raw column, returned as one varbinary(max) value, so its column '%s' must hold a single value (it holds %d).",
                                     output_name, names(frame)[j], length(unique(x))))
      }
    }
    columns <- lapply(seq_along(frame), function(j) if (raw_columns[j]) list(frame[[j]]) else frame[[j]][1])
    names(columns) <- names(frame)
    attr(columns, "row.names") <- .set_row_names(1L)
    class(columns) <- "data.frame"
    columns
  }

  run_session <- function() {
    request <- read_request()
    params <- read_params()
    exprs <- tryCatch(parse(file = SCRIPT, keep.source = TRUE, encoding = "UTF-8"), error = function(e) e)
    if (inherits(exprs, "error")) {
      message <- conditionMessage(exprs)
      at <- regmatches(message, regexec(paste0("^", SCRIPT, ":([0-9]+):"), message))[[1]]
      fail("script-error", paste0("Error: ", message), if (length(at) == 2) as.numeric(at[2]) else NA_real_)
    }
    frames <- list()
    env <- NULL
    chunk <- 0
    for (chunks in request$runs) {
      # Each partition runs with fresh variables; chunks of one run share them (@r_rowsPerRead).
      env <- new.env(parent = globalenv())
      for (p in names(params$values)) assign(p, params$values[[p]], envir = env)
      for (k in seq_len(chunks)) {
        chunk <- chunk + 1
        assign(request$input_name, read_frame(sprintf("input-%d.bin", chunk)), envir = env)
        assign(request$output_name, data.frame(), envir = env)
        run_script(exprs, env)
        frame <- output_frame(env, request$output_name)
        if (!is.null(frame)) frames[[length(frames) + 1]] <- frame
      }
    }
    output <- NULL
    if (length(frames) > 0) {
      frame <- if (length(frames) == 1) frames[[1]] else tryCatch(do.call(rbind, frames), error = function(e) {
        fail("output-error", sprintf("The chunks' %s data frames cannot be combined: %s", request$output_name, conditionMessage(e)))
      })
      columns <- lapply(seq_along(frame), function(j) output_column(names(frame)[j], frame[[j]], request$output_name))
      output <- list(columns = columns, rows = nrow(frame))
    }
    out_params <- lapply(request$output_params, function(p) {
      output_param(p, params$kinds[[p]], params$types[[p]], get0(p, envir = env, inherits = FALSE))
    })
    list(output = output, params = out_params)
  }

  # ------------------------------------------------------------ the session's TDS relay

  # RODBC (FreeTDS) with a trusted connection to "." as the tutorials write it reaches the instance
  # through tds_relay.py, which takes the loopback channel over (sqlml_query's relay then talks to
  # it, SQLML_LOOPBACK_SOCKET) and prints the environment the drivers need: their private
  # configuration in a folder of this session's own /tmp.
  start_tds_relay <- function() {
    if (!grepl("^[0-9]+$", Sys.getenv("SQLML_LOOPBACK_FD")) || !file.exists("tds_relay.py")) return(invisible(NULL))
    python <- if (file.exists("/usr/bin/python3")) "/usr/bin/python3" else Sys.which("python3")
    out <- suppressWarnings(system2(python, c("-I", "tds_relay.py"), stdout = TRUE, stderr = FALSE))
    if (is.null(attr(out, "status"))) set_environment(out)
  }

  # The name=value lines a relay printed, into this process's environment.
  set_environment <- function(lines) {
    for (line in lines) {
      value <- list(sub("^[^=]*=", "", line))
      names(value) <- sub("=.*$", "", line)
      do.call(Sys.setenv, value)
    }
  }

  # ------------------------------------------------------------ a warm start

  # A warm satellite (claimMessage.ts) finds the runner alone in its folder. Base R cannot read a
  # socket descriptor, so a few lines of Python (as for the loopback) say it is ready on
  # descriptor 3, wait there for the session's files and write them into the folder. Meanwhile
  # the session's TDS relay starts (tds_relay.Prestarted) and gets the descriptor when the session
  # brings a loopback channel. The exit status says what became of the descriptor: 10, the
  # channel without a relay; 11, no channel; 12, the relay's, whose environment is printed.
  # The files come through one reused buffer, as in runner.py: a fresh 4 MB object per read cost
  # a page fault per 4 KB, about 200 ms of a warm session given a million rows.
  CLAIM_RELAY <- paste(
    "import os, struct, sys",
    "fd = 3",
    "relay = None",
    "if os.path.exists('tds_relay.py'):",
    "    import importlib.util",
    "    spec = importlib.util.spec_from_file_location('tds_relay', 'tds_relay.py')",
    "    tds_relay = importlib.util.module_from_spec(spec)",
    "    spec.loader.exec_module(tds_relay)",
    "    relay = tds_relay.Prestarted()",
    "os.write(fd, b'W')",
    "def exactly(n):",
    "    parts = []",
    "    while n > 0:",
    "        part = os.read(fd, min(n, 1 << 22))",
    "        if not part: os._exit(9)",
    "        parts.append(part); n -= len(part)",
    "    return b''.join(parts)",
    "head = exactly(24)",
    "if head[:8] != b'SQLMLC01': os._exit(9)",
    "loopback, count = (int(x) for x in struct.unpack_from('<2d', head, 8))",
    "buffer = memoryview(bytearray(1 << 22))",
    "for _ in range(count):",
    "    name = exactly(int(struct.unpack('<d', exactly(8))[0])).decode()",
    "    size = int(struct.unpack('<d', exactly(8))[0])",
    "    out = os.open(os.path.basename(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o400)",
    "    while size > 0:",
    "        got = os.readv(fd, [buffer[:min(size, len(buffer))]])",
    "        if not got: os._exit(9)",
    "        size -= got",
    "        part = buffer[:got]",
    "        while part: part = part[os.write(out, part):]",
    "    os.close(out)",
    "if not loopback:",
    "    if relay: relay.let_go()",
    "    os._exit(11)",
    "environment = relay.hand_over(fd) if relay else None",
    "if environment is None: os._exit(10)",
    "sys.stdout.write(''.join('%s=%s\\n' % kv for kv in environment.items()))",
    "sys.stdout.flush()",
    "os._exit(12)",
    sep = "\n")

  await_claim <- function() {
    python <- if (file.exists("/usr/bin/python3")) "/usr/bin/python3" else Sys.which("python3")
    # -B: no bytecode cache of tds_relay.py in the session folder.
    out <- suppressWarnings(system2(python, c("-I", "-B", "-c", shQuote(CLAIM_RELAY)), stdout = TRUE))
    status <- attr(out, "status")
    if (is.null(status)) status <- 0L
    # 9: the launcher let this satellite go unclaimed (it is closing).
    if (status == 9) quit(save = "no", status = 0, runLast = FALSE)
    if (status == 10 || status == 12) Sys.setenv(SQLML_LOOPBACK_FD = "3")
    if (status == 12) set_environment(out)
    else if (status != 10 && status != 11) quit(save = "no", status = 1, runLast = FALSE)
  }

  if (!file.exists("request.txt")) {
    # R's JIT compiles each closure on its first call: here that would be inside the session's
    # time (about 100 ms of a no-op session), so a warm satellite compiles its functions while it
    # waits. A cold start leaves them to the JIT: compiling all of them first would cost it more.
    here <- environment()
    for (name in ls(here)) {
      f <- get(name, envir = here)
      if (is.function(f)) assign(name, compiler::cmpfun(f), envir = here)
    }
    # The claim also settles the relay, started while the satellite waited.
    await_claim()
  } else {
    start_tds_relay()
  }
  options(warn = 1)
  r <- NULL
  result <- tryCatch(
    {
      r <- run_session()
      NULL
    },
    sqlml_failure = function(f) f,
    error = function(e) failure("satellite-error", paste("The satellite failed:", conditionMessage(e)))
  )
  if (!is.null(result)) r <- list(output = NULL, params = list())
  status <- if (is.null(result)) list(state = "ok", message = "", line = NA_real_) else result
  # R only warns when a write fails (a full session folder): a warning here is a failure, and no
  # partial result may be mistaken for one.
  not_written <- function(condition) {
    unlink("result.bin")
    message("The satellite could not write its results: ", conditionMessage(condition))
    FALSE
  }
  written <- tryCatch({
    write_result(status, r$output, r$params)
    TRUE
  }, warning = not_written, error = not_written)
  if (!written) quit(save = "no", status = 1)
})
