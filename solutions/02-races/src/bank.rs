impl Bank {
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
        let mut balances = self.balances();
        for account in [from, to] {
            if account >= balances.len() {
                return Err(TransferError::NoSuchAccount(account));
            }
        }
        let balance = balances[from];
        if balance < amount {
            return Err(TransferError::InsufficientFunds { balance, amount });
        }
        balances[from] = balance - amount;
        // Cannot overflow: the total fits in a u64 (see `new`) and `amount` is part of it.
        balances[to] += amount;
        Ok(())
    }
}
