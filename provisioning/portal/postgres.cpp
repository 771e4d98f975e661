#include "provisioning/portal/postgres.hpp"

#include <charconv>
#include <utility>

#include <libpq-fe.h>

namespace shubbak::postgres {

namespace {

PGconn* as_conn(void* conn) {
  return static_cast<PGconn*>(conn);
}

std::string trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::int64_t Result::integer(int row, int column) const {
  const auto& value = at(row, column);
  if (!value) return 0;
  std::int64_t number = 0;
  std::from_chars(value->data(), value->data() + value->size(), number);
  return number;
}

Expected<Connection> Connection::connect(std::string_view uri) {
  PGconn* conn = PQconnectdb(std::string(uri).c_str());
  if (conn == nullptr) return fail(Errc::io, "PostgreSQL: out of memory opening a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return fail(Errc::io, "cannot connect to PostgreSQL: " + message);
  }
  // The server's notices ("relation … already exists, skipping") are not the portal's news.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return Connection(conn);
}

Connection::~Connection() {
  if (m_conn != nullptr) PQfinish(as_conn(m_conn));
}

Connection::Connection(Connection&& other) noexcept
    : m_conn(std::exchange(other.m_conn, nullptr)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (m_conn != nullptr) PQfinish(as_conn(m_conn));
    m_conn = std::exchange(other.m_conn, nullptr);
  }
  return *this;
}

bool Connection::healthy() const {
  return PQstatus(as_conn(m_conn)) == CONNECTION_OK;
}

Expected<void> Connection::reset() {
  PQreset(as_conn(m_conn));
  if (!healthy())
    return fail(Errc::io,
                "cannot reconnect to PostgreSQL: " + trimmed(PQerrorMessage(as_conn(m_conn))));
  return {};
}

Expected<Result> Connection::query(std::string_view sql, const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexecParams(as_conn(m_conn), std::string(sql).c_str(), static_cast<int>(values.size()),
                   nullptr, values.data(), nullptr, nullptr, 0),
      &PQclear);
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    if (!result || !healthy())
      return fail(Errc::io,
                  "PostgreSQL connection lost: " + trimmed(PQerrorMessage(as_conn(m_conn))));
    const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    std::string message = trimmed(PQresultErrorMessage(result.get()));
    // SQLSTATE class 23: an integrity constraint the statement broke.
    bool constraint = state != nullptr && state[0] == '2' && state[1] == '3';
    return fail(constraint ? Errc::integrity : Errc::internal, "PostgreSQL: " + message);
  }
  Result out;
  int rows = PQntuples(result.get());
  int columns = PQnfields(result.get());
  out.m_rows.resize(static_cast<std::size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    auto& row = out.m_rows[static_cast<std::size_t>(r)];
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result.get(), r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result.get(), r, c),
                                     static_cast<std::size_t>(PQgetlength(result.get(), r, c))));
      }
    }
  }
  const char* affected = PQcmdTuples(result.get());
  if (affected != nullptr && *affected != '\0') {
    std::from_chars(affected, affected + std::char_traits<char>::length(affected), out.m_affected);
  }
  return out;
}

Expected<void> Connection::run_script(std::string_view sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexec(as_conn(m_conn), std::string(sql).c_str()), &PQclear);
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return fail(healthy() ? Errc::internal : Errc::io,
                "PostgreSQL: " + trimmed(result ? PQresultErrorMessage(result.get())
                                                : PQerrorMessage(as_conn(m_conn))));
  }
  return {};
}

Expected<Transaction> Transaction::begin(Connection& connection) {
  if (auto ok = connection.query("BEGIN"); !ok) return std::unexpected(ok.error());
  return Transaction(connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_connection(std::exchange(other.m_connection, nullptr)) {}

Transaction::~Transaction() {
  // Nothing to do when the connection broke: the server rolls back what it never committed.
  if (m_connection != nullptr && m_connection->healthy()) (void)m_connection->query("ROLLBACK");
}

Expected<void> Transaction::commit() {
  Connection* connection = std::exchange(m_connection, nullptr);
  if (auto ok = connection->query("COMMIT"); !ok) return std::unexpected(ok.error());
  return {};
}

std::string text_array(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    literal += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return literal;
}

ConnectionPool::Lease::~Lease() {
  if (m_connection) m_pool->give_back(std::move(m_connection));
}

Expected<ConnectionPool::Lease> ConnectionPool::acquire() {
  std::unique_lock lock(m_mutex);
  m_returned.wait(lock, [&] { return !m_idle.empty() || m_open < m_size; });
  if (!m_idle.empty()) {
    auto connection = std::move(m_idle.back());
    m_idle.pop_back();
    lock.unlock();
    if (!connection->healthy()) {
      if (auto ok = connection->reset(); !ok) {
        give_back(std::move(connection));
        return std::unexpected(ok.error());
      }
    }
    return Lease(*this, std::move(connection));
  }
  ++m_open;
  lock.unlock();
  auto connection = Connection::connect(m_uri);
  if (!connection) {
    std::lock_guard relock(m_mutex);
    --m_open;
    m_returned.notify_one();
    return std::unexpected(connection.error());
  }
  return Lease(*this, std::make_unique<Connection>(std::move(*connection)));
}

void ConnectionPool::give_back(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(m_mutex);
  m_idle.push_back(std::move(connection));
  m_returned.notify_one();
}

}  // namespace shubbak::postgres
