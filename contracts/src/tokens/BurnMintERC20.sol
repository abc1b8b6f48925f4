// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBurnMintERC20} from "../interfaces/IBurnMintERC20.sol";
import {Ownable2Step} from "../access/Ownable2Step.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @notice An ERC-20 that token pools can mint and burn. The owner grants mint/burn roles (typically to a
/// BurnMintTokenPool) and names the CCIP admin used for self-registration in the TokenAdminRegistry.
contract BurnMintERC20 is IBurnMintERC20, IERC165, ERC20, Ownable2Step {
  using EnumerableSet for EnumerableSet.AddressSet;

  error SenderNotMinter(address sender);
  error SenderNotBurner(address sender);
  error MaxSupplyExceeded(uint256 supplyAfterMint);
  error InvalidRecipient(address recipient);

  event MintAccessGranted(address indexed minter);
  event BurnAccessGranted(address indexed burner);
  event MintAccessRevoked(address indexed minter);
  event BurnAccessRevoked(address indexed burner);
  event CCIPAdminTransferred(address indexed previousAdmin, address indexed newAdmin);

  uint8 internal immutable i_decimals;
  /// @dev 0 = unlimited.
  uint256 internal immutable i_maxSupply;

  address internal s_ccipAdmin;
  EnumerableSet.AddressSet internal s_minters;
  EnumerableSet.AddressSet internal s_burners;

  /// @param preMint minted to the deployer, who is also the owner and the initial CCIP admin
  constructor(string memory name, string memory symbol, uint8 decimals_, uint256 maxSupply_, uint256 preMint)
    ERC20(name, symbol)
    Ownable2Step(msg.sender)
  {
    i_decimals = decimals_;
    i_maxSupply = maxSupply_;
    s_ccipAdmin = msg.sender;
    if (maxSupply_ != 0 && preMint > maxSupply_) revert MaxSupplyExceeded(preMint);
    if (preMint != 0) _mint(msg.sender, preMint);
  }

  function supportsInterface(bytes4 interfaceId) public pure virtual override returns (bool) {
    return interfaceId == type(IERC20).interfaceId || interfaceId == type(IBurnMintERC20).interfaceId
      || interfaceId == type(IERC165).interfaceId;
  }

  function decimals() public view virtual override returns (uint8) {
    return i_decimals;
  }

  function maxSupply() external view returns (uint256) {
    return i_maxSupply;
  }

  /// @dev Tokens sent to the token contract itself would be stuck forever.
  function _update(address from, address to, uint256 value) internal virtual override {
    if (to == address(this)) revert InvalidRecipient(to);
    super._update(from, to, value);
  }

  function _approve(address account, address spender, uint256 value, bool emitEvent) internal virtual override {
    if (spender == address(this)) revert InvalidRecipient(spender);
    super._approve(account, spender, value, emitEvent);
  }

  // ================================================================
  // │                        Mint and burn                         │
  // ================================================================

  function mint(address account, uint256 amount) external override onlyMinter {
    if (i_maxSupply != 0 && totalSupply() + amount > i_maxSupply) revert MaxSupplyExceeded(totalSupply() + amount);
    _mint(account, amount);
  }

  /// @notice Burns from the caller's balance.
  function burn(uint256 amount) public override onlyBurner {
    _burn(msg.sender, amount);
  }

  /// @notice Same as burnFrom (the CCIP v1.x pool interface name).
  function burn(address account, uint256 amount) external override {
    burnFrom(account, amount);
  }

  /// @notice Burns from `account`, spending the caller's allowance.
  function burnFrom(address account, uint256 amount) public override onlyBurner {
    _spendAllowance(account, msg.sender, amount);
    _burn(account, amount);
  }

  // ================================================================
  // │                            Roles                             │
  // ================================================================

  function grantMintAndBurnRoles(address burnAndMinter) external {
    grantMintRole(burnAndMinter);
    grantBurnRole(burnAndMinter);
  }

  function grantMintRole(address minter) public onlyOwner {
    if (s_minters.add(minter)) emit MintAccessGranted(minter);
  }

  function grantBurnRole(address burner) public onlyOwner {
    if (s_burners.add(burner)) emit BurnAccessGranted(burner);
  }

  function revokeMintRole(address minter) external onlyOwner {
    if (s_minters.remove(minter)) emit MintAccessRevoked(minter);
  }

  function revokeBurnRole(address burner) external onlyOwner {
    if (s_burners.remove(burner)) emit BurnAccessRevoked(burner);
  }

  function getMinters() external view returns (address[] memory) {
    return s_minters.values();
  }

  function getBurners() external view returns (address[] memory) {
    return s_burners.values();
  }

  function isMinter(address minter) public view returns (bool) {
    return s_minters.contains(minter);
  }

  function isBurner(address burner) public view returns (bool) {
    return s_burners.contains(burner);
  }

  // ================================================================
  // │                          CCIP admin                          │
  // ================================================================

  /// @notice The address that may register this token in the TokenAdminRegistry (RegistryModuleOwnerCustom).
  function getCCIPAdmin() external view returns (address) {
    return s_ccipAdmin;
  }

  /// @notice Only the owner.
  function setCCIPAdmin(address newAdmin) external onlyOwner {
    address previousAdmin = s_ccipAdmin;
    s_ccipAdmin = newAdmin;
    emit CCIPAdminTransferred(previousAdmin, newAdmin);
  }

  modifier onlyMinter() {
    if (!isMinter(msg.sender)) revert SenderNotMinter(msg.sender);
    _;
  }

  modifier onlyBurner() {
    if (!isBurner(msg.sender)) revert SenderNotBurner(msg.sender);
    _;
  }
}
